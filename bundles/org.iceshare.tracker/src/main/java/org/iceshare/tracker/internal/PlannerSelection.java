package org.iceshare.tracker.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import org.iceshare.api.planner.Planner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's installed planners and the one it uses: the one named by configuration, or, while that one
 * is not installed, the highest-ranked (the lowest service id among equals), as the peers' plugin registry
 * selects schedulers. The engine asks {@link #get} at each planning step, so a new selection, a planner that
 * arrives or one that leaves applies at the next step, in the middle of transfers.
 *
 * <p><b>Threading:</b> thread-safe; DS binds on its own threads, the engine reads on the tracker's.
 */
final class PlannerSelection implements Supplier<Planner> {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerSelection.class);

    private record Ranked(Planner planner, String name, int ranking, long id) {
    }

    private static final Comparator<Ranked> BEST_FIRST = Comparator.comparingInt((Ranked r) -> -r.ranking())
            .thenComparingLong(Ranked::id);

    private final List<Ranked> installed = new ArrayList<>();
    private String selected;
    private volatile Planner current;

    PlannerSelection(String selected) {
        this.selected = selected.trim();
    }

    synchronized void add(Planner planner, String name, int ranking, long serviceId) {
        installed.add(new Ranked(planner, name, ranking, serviceId));
        installed.sort(BEST_FIRST);
        LOG.info("tracker: planner '{}' available", name);
        reselect();
    }

    synchronized void remove(Planner planner) {
        installed.removeIf(r -> r.planner() == planner);
        reselect();
    }

    /** Selects the planner by name (it applies when installed; until then the highest-ranked is used). */
    synchronized void select(String name) {
        String n = name.trim();
        if (!n.equals(selected)) {
            LOG.info("tracker: planner selection changed from '{}' to '{}'", selected, n);
            selected = n;
            reselect();
        }
    }

    synchronized String selected() {
        return selected;
    }

    /** The names of the installed planners, best-ranked first. */
    synchronized List<String> names() {
        return installed.stream().map(Ranked::name).toList();
    }

    private void reselect() {
        Planner chosen = null;
        for (Ranked r : installed) {
            if (r.name().equals(selected)) {
                chosen = r.planner();
                break;
            }
        }
        if (chosen == null && !installed.isEmpty()) {
            chosen = installed.get(0).planner();
            LOG.warn("tracker: planner '{}' is not installed; using '{}', the highest-ranked one", selected,
                    installed.get(0).name());
        }
        current = chosen;
    }

    /** The planner to use now, or null when none is installed. */
    @Override
    public Planner get() {
        return current;
    }
}
