/**
 * Plain-Java machinery that the peer engine ({@code org.iceshare.core}) and the tracker
 * ({@code org.iceshare.tracker}) share: {@link TransportSet}, the transports a side listens on. This
 * package is not exported: each of those bundles inlines it (bnd {@code -conditionalpackage}).
 */
package org.iceshare.engine.internal;
