/**
 * The live sources: plain Java engine classes ({@link org.iceshare.source.internal.LiveSourceEngine}
 * and the inputs it runs) that unit tests build with {@code new}, and their thin DS wrapper
 * {@link org.iceshare.source.internal.LiveSourcesComponent}. Nothing here is exported; the
 * {@code LiveSources} service of the API is the bundle's interface.
 */
package org.iceshare.source.internal;
