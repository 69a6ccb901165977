/**
 * KDS, the global/zone sync protocol: type URLs and the resource envelope ({@link dev.ursa.sync.Envelope}), the gRPC
 * binding ({@link dev.ursa.sync.KdsGrpc}), the delta state machines ({@link dev.ursa.sync.stream.DeltaSender},
 * {@link dev.ursa.sync.stream.DeltaReceiver}) and their stream glue, and zone tokens ({@code tokens}).
 */
package dev.ursa.sync;
