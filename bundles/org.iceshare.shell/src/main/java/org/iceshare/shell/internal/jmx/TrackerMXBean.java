package org.iceshare.shell.internal.jmx;

import java.util.Map;

/**
 * The tracker of this container, as {@code org.iceshare:type=Tracker}. Every attribute is read from
 * the tracker when it is asked for.
 */
public interface TrackerMXBean {

    /** host:port clients connect to, or empty while it is not listening. */
    String getAddress();

    /** How many contents (files and live streams) it tracks. */
    int getContents();

    /** Their names. */
    String[] getContentNames();

    /** Peers over every swarm (a peer in two swarms counts twice), sources included. */
    int getPeers();

    /** The source upload factor by content name: what the source uploaded ÷ the content's length. */
    Map<String, Double> getSourceUploadFactor();

    /** Bytes uploaded by all peers together, by content name, as credited by verification reports. */
    Map<String, Long> getTotalUploaded();
}
