package org.iceshare.client;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options every command that runs a peer takes. Values not given come from the config file
 * ({@link ClientConfig}), then from the defaults.
 */
@Command(addMethodSubcommands = false) // see IceshareCommand
public final class CommonOptions {

    @Option(names = "--up", paramLabel = "RATE", description = "Upload cap in bytes per second: 512k, 2M; 0 for none"
            + " (config key 'up').")
    String up;

    @Option(names = "--down", paramLabel = "RATE", description = "Download cap in bytes per second, as --up"
            + " (config key 'down').")
    String down;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address the peer port binds to and tells others"
            + " (config key 'peer.host'; default 127.0.0.1: set your LAN or public address so others can reach you).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Peer port, 0 for a free one (config key 'peer.port').")
    String port;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of the local player endpoint on"
            + " 127.0.0.1, 0 for a free one (config key 'http.port').")
    String httpPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Identity key and stored contents (default"
            + " $XDG_DATA_HOME/iceshare, else ~/.local/share/iceshare). One running client per folder.")
    Path dataDir;

    @Option(names = {"-v", "--verbose"}, description = "Log what the peer does (INFO) to stderr.")
    boolean verbose;

    @Option(names = "--debug", description = "Log everything (DEBUG) and show stack traces of failures.")
    boolean debug;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Write the log to FILE instead of stderr.")
    Path logFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    /**
     * Points slf4j-simple at stderr (or the log file) at the chosen level. Must run before the first
     * logger is made: slf4j-simple reads its settings once.
     */
    void configureLogging() {
        System.setProperty("org.slf4j.simpleLogger.logFile", logFile != null ? logFile.toString() : "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : verbose ? "info" : "warn");
        if (verbose || debug || logFile != null) {
            // wall-clock times on a log someone reads; a date format costs ~50 ms of a cold start (the
            // calendar's locale providers), which a quiet 'play' does not pay for lines it rarely writes
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        }
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // Netty's own chatter (native transports, leak detector) is for developers
        if (!debug) {
            System.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
        }
        Main.debug = debug;
        StartWarmUp.loggingConfigured();
    }
}
