/**
 * Test support for plugin authors, used in unit tests only and never installed in a container.
 *
 * <p>{@link org.iceshare.testkit.SwarmViews} turns a compact text picture of a swarm (one line per
 * aspect, one column per piece) into a {@link org.iceshare.testkit.TestSwarmView}, and a
 * {@link org.iceshare.testkit.RecordingSink} enforces the core's request rules against it and
 * records what a scheduler asked for:
 *
 * <pre>{@code
 * TestSwarmView view = SwarmViews.parse("""
 *         avail     3312
 *         peer A 1  xxxx
 *         """);
 * RecordingSink sink = new RecordingSink(view);
 * scheduler.schedule(view, sink);
 * assertThat(sink.requests()).containsExactly("2@A");
 * }</pre>
 *
 * <p>Since API 1.2 the DSL also pictures streaming: a {@code first} row (a live window's first piece),
 * a {@code live} row, a {@code deadline} row (one value per piece, or a rule such as
 * {@code 250/piece} counted from the playhead), and a delivery time per peer ({@code peer A 2 40ms xxxx})
 * from which the view answers {@code expectedMillis} as the core does. Text without these rows parses as
 * before; see {@link org.iceshare.testkit.SwarmViews} for the syntax.
 *
 * <p>{@link org.iceshare.testkit.TestPlan} does the same for the tracker's planners: a text picture of a
 * content (one row per member, one column per piece, with its measured rate, slots and playhead), the
 * views a {@code Planner} reads, and the {@code ServerChoice} the tracker would offer it.
 *
 * <p>{@link org.iceshare.testkit.FakePeer} and {@link org.iceshare.testkit.FakeTracker} stand in for the
 * {@code Peer} and {@code Tracker} services in the tests of the bundles that use them (shell, web
 * console, live sources): what they show and answer is set by the test, and a fake peer records what it
 * was asked.
 *
 * <p>The package is deliberately not exported: plugin tests use it from the Maven test class path.
 */
package org.iceshare.testkit;
