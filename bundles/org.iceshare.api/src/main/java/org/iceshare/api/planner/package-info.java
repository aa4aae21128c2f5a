/**
 * The tracker's Planner SPI: in what order a member of a swarm is given pieces, and which of the
 * servers the tracker found eligible serves each one (or whether the member waits). Planners are pure
 * policy over read-only views ({@link org.iceshare.api.planner.ContentView},
 * {@link org.iceshare.api.planner.MemberView}, {@link org.iceshare.api.planner.PieceView},
 * {@link org.iceshare.api.planner.ServerChoice}); the tracker keeps trust (who may serve whom at all)
 * and every assignment, so a planner can be swapped while transfers run: the next planning step uses the
 * new one and outstanding assignments stay.
 */
@Export
@Version("1.0.0")
package org.iceshare.api.planner;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
