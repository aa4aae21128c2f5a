package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The example scheduler of {@code examples/custom-scheduler}, hot-deployed into the running distribution
 * while transfers move (one Karaf boot for what were HotDeployIT and SchedulerSwitchIT; SchedulerSwapIT,
 * rarest to sequential through ConfigAdmin mid-transfer, was the first switch of the second test). Each
 * test starts from the shipped state: {@code rarest} selected and the example not deployed.
 *
 * <ul>
 * <li>Issue 5, acceptance 3: the example's jar is copied into {@code deploy/} while a transfer is moving.
 * Its PieceScheduler service comes up and is bound by the core (the time it took is printed: the issue's
 * "within 10 s" is an observation, not a bound, since a busy machine may take longer); selected through
 * ConfigAdmin, the transfer uses it. A jar moved over it updates the bundle in place and the selection
 * takes the new one. Removing the jar uninstalls it, the core falls back to the highest-ranked scheduler
 * left (rarest) and logs it, and the transfer completes byte-identical.</li>
 * <li>Issue 5, acceptance 1: during one transfer (a source capped so one copy takes about 24 s, three
 * peers fetching about 80 pieces) the scheduler is switched three times through ConfigAdmin: rarest to
 * sequential, sequential to the example scheduler {@value #WINDOW}, deployed through {@code deploy/}
 * during the test, and back to rarest. Every copy completes byte-identical with no piece stored twice,
 * and the piece log (the requests each scheduler placed, summed over the peers) shows each scheduler
 * placed requests in its turn.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CustomSchedulerIT extends CustomSchedulerTestSupport {

    /** The shipped state, whatever the test before left: rarest selected, the example not deployed. */
    @Before
    public void rarestSelectedAndNoExampleDeployed() throws Exception {
        Path jar = deployFolder().resolve(Path.of(System.getProperty("iceshare.example.scheduler", "none.jar"))
            .getFileName());
        Files.deleteIfExists(jar);
        waitUntil("the example bundle is uninstalled", () -> exampleBundle() == null && !schedulerService(WINDOW));
        selectScheduler("rarest");
    }

    @Test
    public void aSchedulerDroppedIntoDeployBecomesSelectableAndRemovingItFallsBackCleanly()
            throws Exception {
        Path deploy = deployFolder();
        assertNull("the example is not installed before the test", exampleBundle());
        assertFalse(schedulerService(WINDOW));

        // about 24 s for one copy: the transfer outlives deploy, selection, upgrade and removal
        Transfer transfer = startTransfer("hot", 2, 24);
        waitUntil("pieces moving", () -> transfer.requestsBy("rarest") > 0);

        long copied = System.nanoTime();
        Path jar = deployExample(deploy);
        Duration selectable = awaitSelectable(WINDOW, copied);
        System.out.printf("CustomSchedulerIT (hot deploy): %s copied into %s; scheduler '%s' selectable after %d ms%n",
            jar.getFileName(), deploy, WINDOW, selectable.toMillis());
        Bundle example = exampleBundle();
        assertEquals("the example bundle is active", Bundle.ACTIVE, example.getState());
        assertTrue("installed by FileInstall from deploy/: " + example.getLocation(),
            example.getLocation().contains(jar.getFileName().toString()));

        selectScheduler(WINDOW);
        waitUntil("the peers use " + WINDOW, () -> transfer.everyPeerUses(WINDOW)
            && transfer.requestsByPeer(WINDOW).values().stream().allMatch(n -> n > 0));
        System.out.printf("CustomSchedulerIT (hot deploy): '%s' in use after %d ms; piece log %s%n", WINDOW,
            Duration.ofNanos(System.nanoTime() - copied).toMillis(), transfer.pieceLog());
        assertTrue("the switch happened mid-transfer: " + transfer.pieceLog(), transfer.inProgress());

        // An upgrade: a jar moved over the deployed one is updated in place, and the selection takes it again.
        long id = example.getBundleId();
        long modified = example.getLastModified();
        Map<String, Long> windowBefore = transfer.requestsByPeer(WINDOW);
        long replaced = System.nanoTime();
        deployExample(deploy);
        waitUntil("FileInstall updates the bundle in place", () -> {
            Bundle b = exampleBundle();
            return b != null && b.getBundleId() == id && b.getLastModified() > modified
                && b.getState() == Bundle.ACTIVE;
        });
        awaitSelectable(WINDOW, replaced);
        waitUntil("the peers use the updated " + WINDOW, () -> transfer.everyPeerUses(WINDOW)
            && transfer.requestsByPeer(WINDOW).entrySet().stream()
                .allMatch(e -> e.getValue() > windowBefore.get(e.getKey())));
        System.out.printf("CustomSchedulerIT (hot deploy): updated in place (bundle %d) and in use again after %d ms%n", id,
            Duration.ofNanos(System.nanoTime() - replaced).toMillis());
        assertTrue("the upgrade happened mid-transfer: " + transfer.pieceLog(), transfer.inProgress());

        long mark = logMark();
        long rarestBefore = transfer.requestsBy("rarest");
        long removed = System.nanoTime();
        Files.delete(jar);
        waitUntil("the example bundle is uninstalled", () -> exampleBundle() == null && !schedulerService(WINDOW));
        waitUntil("the peers fall back to rarest", () -> transfer.everyPeerUses("rarest"));
        System.out.printf("CustomSchedulerIT (hot deploy): removed; fallback to 'rarest' after %d ms%n",
            Duration.ofNanos(System.nanoTime() - removed).toMillis());
        assertTrue("the fallback happened mid-transfer: " + transfer.pieceLog(), transfer.inProgress());
        waitUntilAsserted("the fallback is logged", () -> assertTrue(logSince(mark),
            logSince(mark).contains("scheduler '" + WINDOW + "' is not installed; using 'rarest', the highest-ranked one")));
        assertEquals("the operator's selection stays, for when the scheduler comes back", WINDOW, selectedScheduler());

        assertCompletesByteIdentical(transfer);
        String log = logSince(mark);
        assertFalse("a scheduler failed: " + log, log.contains("failed on"));
        assertTrue("rarest took over after the removal: " + transfer.pieceLog(),
            transfer.requestsBy("rarest") > rarestBefore);
        System.out.printf("CustomSchedulerIT (hot deploy): complete; piece log %s%n", transfer.pieceLog());
    }

    @Test
    public void threeSwitchesDuringOneTransferIncludingAHotDeployedScheduler() throws Exception {
        Path deploy = deployFolder();
        assertEquals("rarest", selectedScheduler());
        Transfer transfer = startTransfer("switch", 3, 24);
        waitUntil("rarest places requests at every peer", () -> transfer.everyPeerUses("rarest")
            && transfer.requestsByPeer("rarest").values().stream().allMatch(n -> n > 0));
        Map<String, Long> atSwitch = new LinkedHashMap<>();

        switchTo(transfer, "sequential", atSwitch);

        long copied = System.nanoTime();
        deployExample(deploy);
        Duration selectable = awaitSelectable(WINDOW, copied);
        System.out.printf("CustomSchedulerIT (switches): '%s' deployed mid-transfer, selectable after %d ms%n", WINDOW,
            selectable.toMillis());
        switchTo(transfer, WINDOW, atSwitch);

        switchTo(transfer, "rarest", atSwitch);

        assertCompletesByteIdentical(transfer);
        System.out.printf("CustomSchedulerIT (switches): complete; requests at each switch %s; piece log %s%n", atSwitch,
            transfer.pieceLog());
        for (String scheduler : new String[] {"rarest", "sequential", WINDOW}) {
            assertTrue(scheduler + " placed requests at every peer: " + transfer.pieceLog(),
                transfer.requestsByPeer(scheduler).values().stream().allMatch(n -> n > 0));
        }
    }

    /**
     * Selects {@code scheduler}, then waits until every peer reports it in use and it placed requests at
     * every peer since the switch, with the transfer still in progress. Records its request count at the
     * switch.
     */
    private void switchTo(Transfer transfer, String scheduler, Map<String, Long> atSwitch) throws Exception {
        Map<String, Long> before = transfer.requestsByPeer(scheduler);
        atSwitch.put(scheduler + "@" + atSwitch.size(), transfer.requestsBy(scheduler));
        long start = System.nanoTime();
        selectScheduler(scheduler);
        waitUntil(scheduler + " in use and placing requests at every peer",
            () -> transfer.everyPeerUses(scheduler) && transfer.requestsByPeer(scheduler).entrySet().stream()
                .allMatch(e -> e.getValue() > before.get(e.getKey())));
        System.out.printf("CustomSchedulerIT (switches): switched to '%s' in %d ms; piece log %s%n", scheduler,
            Duration.ofNanos(System.nanoTime() - start).toMillis(), transfer.pieceLog());
        assertTrue("the switch to " + scheduler + " happened mid-transfer: " + transfer.pieceLog(),
            transfer.inProgress());
    }
}
