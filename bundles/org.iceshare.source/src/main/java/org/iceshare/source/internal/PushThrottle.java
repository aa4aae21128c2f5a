package org.iceshare.source.internal;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Throttles password guesses at the push server, per remote address: after {@value #FREE_FAILURES} wrong
 * passwords in a row an address is locked out for {@value #FIRST_LOCKOUT_MILLIS} ms, and every further
 * wrong password doubles the lockout, up to {@value #MAX_LOCKOUT_SECONDS} s. While locked out, a push from
 * that address is refused (429, with {@code Retry-After}) before its password is even looked at, so guessing
 * costs the attacker the lockout whatever it sends. A right password resets the address.
 *
 * <p>Only a guess counts: a request with Basic credentials that decode to a user and a password. A request
 * without credentials (a client asking for the challenge first) or with garbage is refused with 401 but
 * tests no password.
 *
 * <p>Bounded: at most {@value #MAX_ADDRESSES} addresses are remembered; an address quiet for
 * {@value #FORGET_SECONDS} s (after its lockout) is forgotten, and beyond the maximum the one remembered
 * longest is dropped.
 *
 * <p><b>Threading:</b> thread-safe (synchronized; a few map operations per push request).
 */
final class PushThrottle {

    static final int FREE_FAILURES = 5;
    static final long FIRST_LOCKOUT_MILLIS = 1_000;
    static final long MAX_LOCKOUT_SECONDS = 300;
    static final long FORGET_SECONDS = 900;
    static final int MAX_ADDRESSES = 4096;

    private static final class Record {
        int failures;
        long lockedUntil;
        long lastSeen;
    }

    private final LongSupplier nanos;
    private final Map<InetAddress, Record> records = new LinkedHashMap<>(16, 0.75f, true);

    PushThrottle(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * How long {@code address} is still locked out, in milliseconds; 0 when it may try.
     */
    synchronized long lockedFor(InetAddress address) {
        Record r = records.get(address);
        if (r == null) {
            return 0;
        }
        long left = r.lockedUntil - nanos.getAsLong();
        return left > 0 ? TimeUnit.NANOSECONDS.toMillis(left) + 1 : 0;
    }

    /**
     * A wrong password from {@code address}.
     *
     * @return the lockout it starts, in milliseconds; 0 while the address has free failures left
     */
    synchronized long failed(InetAddress address) {
        long now = nanos.getAsLong();
        prune(now);
        Record r = records.computeIfAbsent(address, a -> new Record());
        r.failures++;
        r.lastSeen = now;
        if (r.failures < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(r.failures - FREE_FAILURES, 20);
        long lockout = Math.min(FIRST_LOCKOUT_MILLIS << doublings, TimeUnit.SECONDS.toMillis(MAX_LOCKOUT_SECONDS));
        r.lockedUntil = now + TimeUnit.MILLISECONDS.toNanos(lockout);
        return lockout;
    }

    /** The right password from {@code address}: its failures are forgotten. */
    synchronized void succeeded(InetAddress address) {
        records.remove(address);
    }

    /** Addresses remembered now. */
    synchronized int size() {
        return records.size();
    }

    private void prune(long now) {
        long forget = TimeUnit.SECONDS.toNanos(FORGET_SECONDS);
        for (Iterator<Record> it = records.values().iterator(); it.hasNext();) {
            Record r = it.next();
            if (now - r.lastSeen > forget && now - r.lockedUntil > 0) {
                it.remove();
            }
        }
        while (records.size() >= MAX_ADDRESSES) {
            Iterator<InetAddress> eldest = records.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }
}
