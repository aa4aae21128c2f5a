package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

import org.apache.karaf.shell.support.table.ShellTable;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The refusals of the container, as {@code iceshare:status} shows them: every transport's
 * ({@link Transport#refusals()}), the push server's ({@code LiveSources.pushRefusals()}) and the tracker's
 * ({@code Tracker.refusals()}), by reason.
 */
final class RefusalsView {
    private RefusalsView() {
    }

    /** Each installed transport's refusals, by transport name (two services of one name are added up). */
    static Map<String, Refusals> byTransport(BundleContext ctx) {
        Map<String, Refusals> out = new TreeMap<>();
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getServiceReferences(Transport.class.getName(), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null) {
            return out;
        }
        for (ServiceReference<?> r : refs) {
            Object service = ctx.getService(r);
            if (service instanceof Transport t) {
                try {
                    out.merge(t.name(), t.refusals(), Refusals::plus);
                } finally {
                    ctx.ungetService(r);
                }
            }
        }
        return out;
    }

    /**
     * Prints the refusals: one row per place and reason, or one line when there are none.
     *
     * @param push the push server's, or null without live sources
     * @param tracker the tracker's, or null when no tracker runs here
     */
    static void print(PrintStream out, Map<String, Refusals> transports, Refusals push, Refusals tracker) {
        ShellTable t = new ShellTable();
        t.column("Where");
        t.column("Reason");
        t.column("Count").alignRight();
        long total = 0;
        for (Map.Entry<String, Refusals> e : transports.entrySet()) {
            for (Map.Entry<String, Long> r : e.getValue().counts().entrySet()) {
                t.addRow().addContent(e.getKey(), r.getKey(), r.getValue());
                total += r.getValue();
            }
        }
        if (push != null) {
            for (Map.Entry<String, Long> r : push.counts().entrySet()) {
                t.addRow().addContent("push server", r.getKey(), r.getValue());
                total += r.getValue();
            }
        }
        if (tracker != null) {
            for (Map.Entry<String, Long> r : tracker.counts().entrySet()) {
                t.addRow().addContent("tracker", r.getKey(), r.getValue());
                total += r.getValue();
            }
        }
        if (total == 0) {
            out.println("Refusals: none (connection caps, partial-frame budget, slow frames, handshake and idle "
                    + "timeouts, malformed frames, push passwords, the tracker's allowances and reports)");
            return;
        }
        out.println("Refusals since start (" + total + "; see the operator guide, \"What each refusal means\")");
        t.print(out);
    }
}
