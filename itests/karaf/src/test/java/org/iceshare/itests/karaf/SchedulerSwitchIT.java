package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue 5, acceptance 1: during one transfer (a source capped so one copy takes about 24 s, three peers
 * fetching about 80 pieces) the scheduler is switched three times through ConfigAdmin: rarest to
 * sequential, sequential to the example scheduler {@value #WINDOW}, deployed through {@code deploy/}
 * during the test, and back to rarest. Every copy completes byte-identical with no piece stored twice,
 * and the piece log (the requests each scheduler placed, summed over the peers) shows each scheduler
 * placed requests in its turn.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulerSwitchIT extends CustomSchedulerTestSupport {

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
        Duration selectable = awaitSelectable(WINDOW, copied, SELECTABLE_WITHIN);
        System.out.printf("SchedulerSwitchIT: '%s' deployed mid-transfer, selectable after %d ms%n", WINDOW,
            selectable.toMillis());
        switchTo(transfer, WINDOW, atSwitch);

        switchTo(transfer, "rarest", atSwitch);

        assertCompletesByteIdentical(transfer);
        System.out.printf("SchedulerSwitchIT: complete; requests at each switch %s; piece log %s%n", atSwitch,
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
        System.out.printf("SchedulerSwitchIT: switched to '%s' in %d ms; piece log %s%n", scheduler,
            Duration.ofNanos(System.nanoTime() - start).toMillis(), transfer.pieceLog());
        assertTrue("the switch to " + scheduler + " happened mid-transfer: " + transfer.pieceLog(),
            transfer.inProgress());
    }
}
