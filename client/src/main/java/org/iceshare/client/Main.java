package org.iceshare.client;

import java.io.PrintStream;
import java.util.List;

import org.iceshare.api.swarm.IcetUrl;

import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code iceshare}: the listener's client. Each failure the user can act on ends the program with one
 * line on stderr and an exit code ({@link ExitCodes}); a stack trace only with {@code --debug}. The command
 * line itself is {@link IceshareCommand} and its subcommands.
 */
public final class Main {
    /** Set by {@code --debug}: failures show their stack trace. */
    static volatile boolean debug;

    private Main() {
    }

    /** The subcommands, in the order the help lists them. */
    private static final List<String> COMMANDS = List.of("get", "play", "publish", "seed", "status", "help",
            "cds-training");

    /** A subcommand's object (a switch, not a table of constructor references: those cost a cold start ~20 ms). */
    private static Object command(String name) {
        switch (name) {
            case "get":
                return new GetCommand();
            case "play":
                return new PlayCommand();
            case "publish":
                return new PublishCommand();
            case "seed":
                return new SeedCommand();
            case "status":
                return new StatusCommand();
            case "help":
                return new CommandLine.HelpCommand();
            case "cds-training":
                return new CdsTrainingCommand();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    public static void main(String[] args) {
        StartTrace.mark("main");
        if (args.length > 0 && StartWarmUp.WANTED_BY.contains(args[0])) {
            StartWarmUp.begin();
        }
        System.exit(run(args));
    }

    /** Runs a command line and gives the exit code. */
    static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line that runs {@code args}, with its error handling. */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new IceshareCommand(), Main::instantiate);
        // set here, not in the annotation: picocli would make the provider with its default factory, whose
        // first use looks for Groovy on the class path
        cl.getCommandSpec().versionProvider(new Version());
        // picocli models a command by reflection, the costliest part of parsing at start: a command line that
        // names its command gets only that one; help, usage errors and a bare 'iceshare' get them all
        String named = args.length > 0 ? args[0] : null;
        boolean all = named == null || named.equals("help") || !COMMANDS.contains(named);
        for (String c : COMMANDS) {
            if (all || named.equals(c)) {
                cl.addSubcommand(c, command(c));
            }
        }
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
        return cl;
    }

    /**
     * Makes picocli's helper objects (version provider, converters) with their no-argument constructor.
     * picocli's default factory would first look for Groovy on the class path, a miss that opens every jar
     * of the client at each start.
     */
    private static <K> K instantiate(Class<K> type) throws Exception {
        var c = type.getDeclaredConstructor();
        c.setAccessible(true);
        return c.newInstance();
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
