package dev.ursa.ingress.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.nio.charset.StandardCharsets;

/**
 * Reads (without consuming) the start of a prior-knowledge h2c connection: the client preface, then frames up to the
 * first HEADERS (+ CONTINUATION) block, whose {@code :authority} names the service. The bytes are then relayed
 * unchanged: decoding a copy of the first header block leaves the upstream's HPACK state in step with the client's.
 */
final class H2Preamble {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER = 9;
    private static final int MAX_FRAME = 16_384; // we never send SETTINGS first, so the client keeps the default
    private static final int HEADERS = 0x1;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;

    private H2Preamble() {
    }

    sealed interface Result {
    }

    /** More bytes are needed. */
    record NeedMore() implements Result {
    }

    record Found(int streamId, Http2Headers headers) implements Result {
        String authority() {
            CharSequence a = headers.authority();
            if (a == null) a = headers.get("host");
            return a == null ? null : a.toString();
        }

        boolean grpc() {
            CharSequence ct = headers.get("content-type");
            return ct != null && ct.toString().startsWith("application/grpc");
        }
    }

    record Invalid(String why) implements Result {
    }

    /** Scans frames from {@code from} (just after the preface) in {@code in} without moving its indexes. */
    static Result scan(ByteBuf in, int from) {
        int pos = from;
        int end = in.writerIndex();
        while (true) {
            if (end - pos < FRAME_HEADER) return new NeedMore();
            int len = in.getUnsignedMedium(pos);
            int type = in.getUnsignedByte(pos + 3);
            int flags = in.getUnsignedByte(pos + 4);
            int stream = in.getInt(pos + 5) & 0x7fffffff;
            if (len > MAX_FRAME) return new Invalid("frame of " + len + " bytes exceeds " + MAX_FRAME);
            if (end - pos < FRAME_HEADER + len) return new NeedMore();
            if (type == CONTINUATION) return new Invalid("CONTINUATION without HEADERS");
            if (type != HEADERS) {
                pos += FRAME_HEADER + len;
                continue;
            }
            if (stream == 0) return new Invalid("HEADERS on stream 0");
            CompositeByteBuf block = Unpooled.compositeBuffer();
            try {
                int payload = pos + FRAME_HEADER;
                int start = payload;
                int stop = payload + len;
                if ((flags & PADDED) != 0) {
                    if (len < 1) return new Invalid("bad padding");
                    stop -= in.getUnsignedByte(payload);
                    start++;
                }
                if ((flags & PRIORITY) != 0) start += 5;
                if (start > stop) return new Invalid("bad HEADERS frame");
                block.addComponent(true, in.retainedSlice(start, stop - start));
                pos += FRAME_HEADER + len;
                boolean endHeaders = (flags & END_HEADERS) != 0;
                while (!endHeaders) {
                    if (end - pos < FRAME_HEADER) return new NeedMore();
                    int clen = in.getUnsignedMedium(pos);
                    int ctype = in.getUnsignedByte(pos + 3);
                    int cflags = in.getUnsignedByte(pos + 4);
                    int cstream = in.getInt(pos + 5) & 0x7fffffff;
                    if (ctype != CONTINUATION || cstream != stream) return new Invalid("HEADERS not followed by its CONTINUATION");
                    if (clen > MAX_FRAME) return new Invalid("frame too large");
                    if (end - pos < FRAME_HEADER + clen) return new NeedMore();
                    block.addComponent(true, in.retainedSlice(pos + FRAME_HEADER, clen));
                    pos += FRAME_HEADER + clen;
                    endHeaders = (cflags & END_HEADERS) != 0;
                }
                try {
                    return new Found(stream, new DefaultHttp2HeadersDecoder(false).decodeHeaders(stream, block));
                } catch (Http2Exception e) {
                    return new Invalid("undecodable headers: " + e.getMessage());
                }
            } finally {
                block.release();
            }
        }
    }

    /**
     * The answer to a request whose authority no service has: the client's SETTINGS acknowledged, a
     * response ending the stream (gRPC: UNAVAILABLE with a message; other h2: 421 Misdirected Request), and GOAWAY
     * saying that stream was the last one processed.
     */
    static ByteBuf refusal(Found request, String message) {
        ByteBuf out = Unpooled.buffer();
        frameHeader(out, 0, 0x4, 0x1, 0); // SETTINGS ACK (our own SETTINGS went out with the preface)
        Http2Headers h = new DefaultHttp2Headers();
        if (request.grpc()) {
            h.status("200").add("content-type", "application/grpc").add("grpc-status", "14").add("grpc-message", message);
        } else {
            h.status("421").add("content-type", "text/plain");
        }
        ByteBuf block = Unpooled.buffer();
        try {
            new DefaultHttp2HeadersEncoder().encodeHeaders(request.streamId(), h, block);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } 
        frameHeader(out, block.readableBytes(), HEADERS, END_HEADERS | 0x1, request.streamId());
        out.writeBytes(block);
        block.release();
        byte[] debug = message.getBytes(StandardCharsets.UTF_8);
        frameHeader(out, 8 + debug.length, 0x7, 0, 0); // GOAWAY
        out.writeInt(request.streamId());
        out.writeInt(0); // NO_ERROR: the stream was answered
        out.writeBytes(debug);
        return out;
    }

    static ByteBuf emptySettings() {
        ByteBuf out = Unpooled.buffer(9);
        frameHeader(out, 0, 0x4, 0, 0);
        return out;
    }

    /** GOAWAY(PROTOCOL_ERROR) for a connection that broke the h2 rules before naming a service. */
    static ByteBuf protocolError(String message) {
        ByteBuf out = Unpooled.buffer();
        byte[] debug = message.getBytes(StandardCharsets.UTF_8);
        frameHeader(out, 8 + debug.length, 0x7, 0, 0);
        out.writeInt(0);
        out.writeInt(0x1);
        out.writeBytes(debug);
        return out;
    }

    private static void frameHeader(ByteBuf out, int len, int type, int flags, int stream) {
        out.writeMedium(len);
        out.writeByte(type);
        out.writeByte(flags);
        out.writeInt(stream);
    }
}
