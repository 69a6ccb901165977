/**
 * KDS, the global/zone sync protocol: type URLs and the resource envelope ({@link dev.ursa.sync.Envelope}), the gRPC
 * binding ({@link dev.ursa.sync.KdsGrpc}), the delta state machines ({@link dev.ursa.sync.stream.DeltaSender},
 * {@link dev.ursa.sync.stream.DeltaReceiver}) and their stream glue. Zone tokens live with the other tokens in
 * cp-common ({@code dev.ursa.cp.auth.ZoneToken}).
 */
package dev.ursa.sync;
