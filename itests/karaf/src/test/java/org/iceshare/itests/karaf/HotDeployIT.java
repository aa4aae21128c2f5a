package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Issue 5, acceptance 3: the example scheduler built from {@code examples/custom-scheduler} by the main
 * build is copied into the running distribution's {@code deploy/} folder while a transfer is moving. Within
 * 10 s its PieceScheduler service is up and bound by the core; selected through ConfigAdmin, the transfer
 * uses it. A jar moved over it updates the bundle in place and the selection takes the new one. Removing
 * the jar uninstalls it, the core falls back to the highest-ranked scheduler left
 * (rarest) and logs it, and the transfer completes byte-identical.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT extends CustomSchedulerTestSupport {

    @Test
    public void aSchedulerDroppedIntoDeployIsSelectableWithinTenSecondsAndRemovingItFallsBackCleanly()
            throws Exception {
        Path deploy = deployFolder();
        assertNull("the example is not installed before the test", exampleBundle());
        assertFalse(schedulerService(WINDOW));

        // about 24 s for one copy: the transfer outlives deploy, selection, upgrade and removal
        Transfer transfer = startTransfer("hot", 2, 24);
        waitUntil("pieces moving", () -> transfer.requestsBy("rarest") > 0);

        long copied = System.nanoTime();
        Path jar = deployExample(deploy);
        Duration selectable = awaitSelectable(WINDOW, copied, SELECTABLE_WITHIN);
        System.out.printf("HotDeployIT: %s copied into %s; scheduler '%s' selectable after %d ms%n",
            jar.getFileName(), deploy, WINDOW, selectable.toMillis());
        Bundle example = exampleBundle();
        assertEquals("the example bundle is active", Bundle.ACTIVE, example.getState());
        assertTrue("installed by FileInstall from deploy/: " + example.getLocation(),
            example.getLocation().contains(jar.getFileName().toString()));

        selectScheduler(WINDOW);
        waitUntil("the peers use " + WINDOW, () -> transfer.everyPeerUses(WINDOW)
            && transfer.requestsByPeer(WINDOW).values().stream().allMatch(n -> n > 0));
        System.out.printf("HotDeployIT: '%s' in use after %d ms; piece log %s%n", WINDOW,
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
        awaitSelectable(WINDOW, replaced, SELECTABLE_WITHIN);
        waitUntil("the peers use the updated " + WINDOW, () -> transfer.everyPeerUses(WINDOW)
            && transfer.requestsByPeer(WINDOW).entrySet().stream()
                .allMatch(e -> e.getValue() > windowBefore.get(e.getKey())));
        System.out.printf("HotDeployIT: updated in place (bundle %d) and in use again after %d ms%n", id,
            Duration.ofNanos(System.nanoTime() - replaced).toMillis());
        assertTrue("the upgrade happened mid-transfer: " + transfer.pieceLog(), transfer.inProgress());

        long mark = logMark();
        long rarestBefore = transfer.requestsBy("rarest");
        long removed = System.nanoTime();
        Files.delete(jar);
        waitUntil("the example bundle is uninstalled", () -> exampleBundle() == null && !schedulerService(WINDOW));
        waitUntil("the peers fall back to rarest", () -> transfer.everyPeerUses("rarest"));
        System.out.printf("HotDeployIT: removed; fallback to 'rarest' after %d ms%n",
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
        System.out.printf("HotDeployIT: complete; piece log %s%n", transfer.pieceLog());
    }
}
