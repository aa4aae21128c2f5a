package org.iceshare.scheduler.deadline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.scheduler.deadline.internal.DeadlineSchedulerTest.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.Test;

/** The DS side without OSGi: configuration, and what bnd declares. */
class DeadlineSchedulerConfigTest {

    @Test
    void startsWithTheDefaultsOrTheConfiguration() {
        assertThat(new DeadlineScheduler().settings()).isEqualTo(new DeadlineScheduler.Settings(3000, 4));
        assertThat(new DeadlineScheduler(config(1500, 8)).settings()).isEqualTo(new DeadlineScheduler.Settings(1500, 8));
    }

    @Test
    void invalidValuesAtActivationFallBackToTheDefaults() {
        assertThat(new DeadlineScheduler(config(-1, -1)).settings()).isEqualTo(new DeadlineScheduler.Settings(3000, 4));
    }

    @Test
    void invalidValuesAreLoggedAndThePreviousOnesKeptEachOnItsOwn() {
        DeadlineScheduler scheduler = new DeadlineScheduler(config(2000, 6));

        scheduler.configure(config(-1, 3));
        assertThat(scheduler.settings()).as("the bad horizon is ignored, the good count taken")
                .isEqualTo(new DeadlineScheduler.Settings(2000, 3));
        scheduler.configure(config(DeadlineScheduler.MAX_HORIZON_MILLIS + 1, DeadlineScheduler.MAX_CRITICAL_PIECES + 1));
        assertThat(scheduler.settings()).isEqualTo(new DeadlineScheduler.Settings(2000, 3));
        // SCR throws from the accessor when a value cannot be converted (horizonMillis = "soon")
        scheduler.configure(suppliedConfig(() -> {
            throw new IllegalArgumentException("cannot coerce 'soon' to long");
        }, () -> {
            throw new IllegalArgumentException("cannot coerce 'many' to int");
        }));
        assertThat(scheduler.settings()).isEqualTo(new DeadlineScheduler.Settings(2000, 3));

        scheduler.configure(config(0, 0));
        assertThat(scheduler.settings()).isEqualTo(new DeadlineScheduler.Settings(0, 0));
        scheduler.configure(config(DeadlineScheduler.MAX_HORIZON_MILLIS, DeadlineScheduler.MAX_CRITICAL_PIECES));
        assertThat(scheduler.settings()).isEqualTo(
                new DeadlineScheduler.Settings(DeadlineScheduler.MAX_HORIZON_MILLIS, DeadlineScheduler.MAX_CRITICAL_PIECES));
    }

    @Test
    void aNewConfigurationAppliesFromTheNextCall() {
        DeadlineScheduler scheduler = new DeadlineScheduler(config(3000, 4));
        String dsl = """
                avail     1119
                deadline  . . . 2500
                peer A 1  xxxx
                """;
        assertThat(schedule(scheduler, dsl)).containsExactly("3@A");

        scheduler.configure(config(2000, 4));

        assertThat(schedule(scheduler, dsl)).doesNotContain("3@A");
    }

    @Test
    void criticalPiecesZeroTurnsThePlayheadWindowOff() {
        assertThat(schedule(new DeadlineScheduler(config(3000, 0)), """
                avail     9991
                peer A 1  xxxx
                playhead  0
                """)).containsExactly("3@A");
    }

    @Test
    void declaresItsServicePropertiesAndConfiguration() throws IOException {
        String xml = resource("/OSGI-INF/" + DeadlineScheduler.class.getName() + ".xml");

        assertThat(xml).contains("org.iceshare.api.scheduler.PieceScheduler")
                .contains("name=\"scheduler.name\"").contains("value=\"deadline\"")
                .contains("name=\"service.ranking\"").contains("type=\"Integer\"").contains("value=\"75\"")
                .contains("configuration-pid=\"org.iceshare.scheduler.deadline\"").contains("modified=\"configure\"")
                .doesNotContain("configuration-policy=\"require\"");
        String metatype = resource("/OSGI-INF/metatype/org.iceshare.scheduler.deadline.xml");
        assertThat(metatype).contains("<Designate pid=\"org.iceshare.scheduler.deadline\"")
                .contains("id=\"horizonMillis\" type=\"Long\"").contains("default=\"3000\"")
                .contains("id=\"criticalPieces\" type=\"Integer\"").contains("default=\"4\"");
        assertThat(resource("/OSGI-INF/bundle.info")).contains("scheduler.name   = deadline");
    }

    private static java.util.List<String> schedule(DeadlineScheduler scheduler, String dsl) {
        TestSwarmView view = SwarmViews.parse(dsl);
        RecordingSink sink = new RecordingSink(view);
        scheduler.schedule(view, sink);
        return sink.requests();
    }

    private static DeadlineScheduler.Config suppliedConfig(LongSupplier horizonMillis, IntSupplier criticalPieces) {
        return new DeadlineScheduler.Config() {
            @Override
            public long horizonMillis() {
                return horizonMillis.getAsLong();
            }

            @Override
            public int criticalPieces() {
                return criticalPieces.getAsInt();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return DeadlineScheduler.Config.class;
            }
        };
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DeadlineSchedulerConfigTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
