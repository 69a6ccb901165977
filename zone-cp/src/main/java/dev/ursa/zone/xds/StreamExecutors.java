package dev.ursa.zone.xds;

import java.util.concurrent.Executor;

/**
 * Where one stream's responses are serialised and written, in order. Asked once per stream, on the thread that opens
 * it: a transport can answer with that stream's own I/O thread, so a response costs no extra thread hop. Returns null
 * to use one of the engine's sender threads.
 */
@FunctionalInterface
public interface StreamExecutors {
    StreamExecutors SENDER_THREADS = () -> null;

    Executor forNewStream();
}
