package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PluginServiceTest {

    private static PluginService scheduler(String name, int ranking, long id) {
        return new PluginService(name, ranking, id, "org.iceshare.scheduler." + name,
                Map.of("scheduler.name", name, "service.ranking", ranking, "service.id", id));
    }

    private final List<PluginService> schedulers = sorted(scheduler("sequential", 50, 12),
            scheduler("deadline", 75, 13), scheduler("rarest", 100, 11), scheduler("fancy", 100, 20));

    private static List<PluginService> sorted(PluginService... services) {
        List<PluginService> out = new ArrayList<>(List.of(services));
        out.sort(PluginService.BEST_FIRST);
        return out;
    }

    @Test
    void bestFirstIsRankingThenTheOlderService() {
        assertThat(PluginService.names(schedulers)).containsExactly("rarest", "fancy", "deadline", "sequential");
    }

    @Test
    void theSelectedOneIsUsedWhenInstalled() {
        assertThat(PluginService.inUse(schedulers, "sequential")).map(PluginService::name).contains("sequential");
        assertThat(PluginService.named(schedulers, "deadline")).map(PluginService::serviceId).contains(13L);
    }

    @Test
    void otherwiseTheHighestRankedAsTheCoreDoes() {
        assertThat(PluginService.inUse(schedulers, "gone")).map(PluginService::name).contains("rarest");
        assertThat(PluginService.named(schedulers, "gone")).isEmpty();
        assertThat(PluginService.inUse(List.of(), "rarest")).isEmpty();
    }
}
