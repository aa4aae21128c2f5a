package org.iceshare.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke run of the shaped lab: bench/lab.sh with 6 IceShare peers (1, 2 and 4 MiB/s) and a 4 MiB file,
 * in a private network namespace, with the lab's functional checks ({@code --check}): every peer completes
 * with a byte-identical copy, the source upload factor is sane, and the kernel's per-address counters show
 * every node's traffic leaving from its own address. No figures are asserted.
 *
 * <p>Where the machine cannot make a network namespace or lacks HTB (no root, no CAP_NET_ADMIN, a kernel
 * without sch_htb, no iproute2), the test is skipped with the reason printed and in the report.
 */
class LabSmokeTest {

    private static final long DEADLINE_SECONDS = 90;

    @TempDir
    Path tmp;

    @Test
    void aSmallShapedSwarmCompletesWithEveryNodeOnItsOwnAddress() throws Exception {
        requireLab();
        Path script = Path.of("lab.sh").toAbsolutePath();
        assertThat(script).as("bench/lab.sh, run from the bench module").isExecutable();
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = tmp.resolve("lab.log");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--profile", "smoke", "--peers", "6", "--size-mib",
                "4", "--systems", "iceshare", "--check", "--timeout", "60")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LAB_JAVA", java);
        pb.environment().put("LAB_JAVA_CP", cp);
        pb.environment().put("LAB_JAVA_OPTS", "-Diceshare.media.dir=" + Path.of("target/media").toAbsolutePath()
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        Process p = pb.start();
        boolean ended = p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        List<String> key = out.lines().filter(l -> l.startsWith("lab:") || l.startsWith("run ")
                || l.startsWith("LAB")).toList();
        key.forEach(System.out::println);
        assertThat(ended).as("the lab ended within %d s; its output:%n%s", DEADLINE_SECONDS, tail(out)).isTrue();
        assertThat(p.exitValue()).as("the lab's exit status; its output:%n%s", tail(out)).isZero();
        assertThat(out).contains("LAB_CHECK ok: 6 peers complete and byte-identical")
                .contains("LAB system=iceshare profile=smoke peers=6");
    }

    /** Skips the test, saying why, unless unshare, ip and tc work and HTB can be set up in a namespace. */
    private static void requireLab() throws IOException, InterruptedException {
        skipUnless(System.getProperty("os.name").toLowerCase().contains("linux"),
                "the lab needs Linux network namespaces; this is " + System.getProperty("os.name"));
        for (String tool : List.of("unshare", "ip", "tc")) {
            skipUnless(run("sh", "-c", "command -v " + tool).exit == 0, tool + " is not installed (the lab needs "
                    + "util-linux unshare and iproute2 ip and tc)");
        }
        Result ns = run("unshare", "-n", "true");
        skipUnless(ns.exit == 0, "unshare -n cannot make a network namespace (needs root or CAP_SYS_ADMIN): "
                + ns.out);
        Result htb = run("unshare", "-n", "sh", "-c", "ip link set lo up && tc qdisc add dev lo root handle 1: htb"
                + " && tc class add dev lo parent 1: classid 1:10 htb rate 8mbit ceil 8mbit quantum 65536"
                + " && tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip src 127.0.0.2/32 flowid 1:10");
        skipUnless(htb.exit == 0, "tc cannot set up HTB shaping on lo in a namespace (kernel without sch_htb or "
                + "cls_u32, or no CAP_NET_ADMIN): " + htb.out);
    }

    private static void skipUnless(boolean ok, String why) {
        if (!ok) {
            System.out.println("LabSmokeTest SKIPPED: " + why);
            Assumptions.abort(why);
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " did not finish in 20 s");
        }
        return new Result(p.exitValue(), out);
    }

    private static String tail(String out) {
        List<String> lines = new ArrayList<>(out.lines().toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
