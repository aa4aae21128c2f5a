package org.iceshare.client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top of the command line: {@code iceshare [-hV] COMMAND}. Its subcommands and version are added by
 * {@link Main#commandLine}. A class of its own, with nothing but its options: picocli reads every member of
 * a command class for annotations when it starts. No command here has methods as subcommands, so every
 * command says {@code addMethodSubcommands = false}: picocli would otherwise read each method's annotations.
 */
@Command(name = "iceshare", addMethodSubcommands = false,
        description = "Listen to IceShare streams and files, and share them while you listen.",
        footer = {"", "Exit codes: 0 done, 1 internal error, 2 bad usage or value,",
                "3 tracker unreachable, 4 tracker refused (unknown content),",
                "5 file missing or not Ogg, 6 local trouble (data folder in use, cannot write),",
                "7 no player found, 8 transfer failed, 130 Ctrl-C. See docs/client.md."})
final class IceshareCommand implements Runnable {
    // the standard help options, declared here rather than mixed in: the mixin is a second command class
    // for picocli to reflect on at each start
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
    boolean version;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: get, play, publish, seed or status"
                + " (iceshare --help)");
    }
}
