package dev.visage.server.cli;

import picocli.CommandLine.Command;

/** {@code visage bench}: measurements users can repeat on their own hardware. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the server on this machine; each benchmark prints a table and can write it as Markdown.",
    subcommands = {PipelineBenchCommand.class, GalleryBenchCommand.class, SolrCloudBenchCommand.class, WireBenchCommand.class, StreamBenchCommand.class,
        LoadBenchCommand.class})
final class BenchCommand {}
