package org.iceshare.client;

import java.io.PrintStream;

import org.iceshare.api.swarm.IcetUrl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code iceshare}: the listener's client. Each failure the user can act on ends the program with one
 * line on stderr and an exit code ({@link ExitCodes}); a stack trace only with {@code --debug}.
 */
@Command(name = "iceshare", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Listen to IceShare streams and files, and share them while you listen.",
        subcommands = {GetCommand.class, PlayCommand.class, PublishCommand.class, SeedCommand.class,
                StatusCommand.class, CommandLine.HelpCommand.class, CdsTrainingCommand.class},
        footer = {"", "Exit codes: 0 done, 1 internal error, 2 bad usage or value,",
                "3 tracker unreachable, 4 tracker refused (unknown content),",
                "5 file missing or not Ogg, 6 local trouble (data folder in use, cannot write),",
                "7 no player found, 8 transfer failed, 130 Ctrl-C. See docs/client.md."})
public final class Main implements Runnable {
    /** Set by {@code --debug}: failures show their stack trace. */
    static volatile boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: get, play, publish, seed or status"
                + " (iceshare --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and gives the exit code. */
    static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, a) -> {
            error(e.getMessage());
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (ClientPeer.signalled()) {
                // Ctrl-C: the peer was closed under the command; the shutdown hook said what there was to say
                return ExitCodes.INTERRUPTED;
            }
            if (e instanceof ClientException ce) {
                error(ce.getMessage());
                if (debug && ce.getCause() != null) {
                    ce.getCause().printStackTrace();
                }
                return ce.exitCode();
            }
            error("unexpected failure: " + e + (debug ? "" : " (--debug shows where)"));
            if (debug) {
                e.printStackTrace();
            }
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    /** One line on stderr, however the message was built. */
    static void error(String message) {
        PrintStream err = System.err;
        err.println("iceshare: " + String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        err.flush();
    }

    /** An {@code icet://} URL, or a usage error that says what is wrong with it. */
    static IcetUrl url(String text) throws ClientException {
        try {
            return IcetUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** The version from the client jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"iceshare " + (v == null ? "(development build)" : v) + " (Java "
                    + Runtime.version() + ")"};
        }
    }
}
