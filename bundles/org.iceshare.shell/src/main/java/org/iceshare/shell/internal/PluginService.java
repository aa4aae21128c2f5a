package org.iceshare.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * One installed plugin service (a scheduler, a transport) as the commands list it: its name
 * property, its ranking and who provides it, with a copy of its service properties.
 *
 * @param name the value of the plugin's name property
 * @param ranking its {@code service.ranking} (0 when absent)
 * @param serviceId its {@code service.id}
 * @param bundle the symbolic name of the bundle that registered it
 * @param properties every service property
 */
record PluginService(String name, int ranking, long serviceId, String bundle, Map<String, Object> properties) {

    /** Best first, as the core chooses: higher ranking, then the older service. */
    static final Comparator<PluginService> BEST_FIRST = Comparator.comparingInt((PluginService p) -> -p.ranking())
            .thenComparingLong(PluginService::serviceId);

    PluginService {
        properties = Map.copyOf(properties);
    }

    /** The services of {@code type} with their {@code nameProperty}, best first. */
    static List<PluginService> list(BundleContext ctx, Class<?> type, String nameProperty) {
        Collection<ServiceReference<?>> refs = new ArrayList<>();
        try {
            ServiceReference<?>[] found = ctx.getServiceReferences(type.getName(), null);
            if (found != null) {
                refs.addAll(List.of(found));
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<PluginService> out = new ArrayList<>();
        for (ServiceReference<?> r : refs) {
            Map<String, Object> props = new HashMap<>();
            for (String key : r.getPropertyKeys()) {
                Object v = r.getProperty(key);
                if (v != null) {
                    props.put(key, v);
                }
            }
            Object name = props.get(nameProperty);
            out.add(new PluginService(name == null ? "(unnamed)" : name.toString(),
                    props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0,
                    props.get(Constants.SERVICE_ID) instanceof Long l ? l : 0L,
                    r.getBundle() == null ? "-" : r.getBundle().getSymbolicName(), props));
        }
        out.sort(BEST_FIRST);
        return out;
    }

    /**
     * The service used for the name {@code selected}, as the core's plugin registry picks it: the
     * best-ranked one with that name, or the best-ranked of all when none has it.
     *
     * @param installed best first
     */
    static Optional<PluginService> inUse(List<PluginService> installed, String selected) {
        return named(installed, selected).or(() -> installed.stream().findFirst());
    }

    /** The best-ranked service named {@code name}, if one is installed. */
    static Optional<PluginService> named(List<PluginService> installed, String name) {
        return installed.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The distinct names, best first. */
    static List<String> names(List<PluginService> installed) {
        return installed.stream().map(PluginService::name).distinct().toList();
    }
}
