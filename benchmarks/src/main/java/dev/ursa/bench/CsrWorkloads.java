package dev.ursa.bench;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.function.IntFunction;

/**
 * The workloads' side before they call the zone, done up front so its cost stays out of the zone's figures: each
 * workload's dataplane token (minted by the zone's key ring, as {@code POST /tokens/dataplane} would) and its own EC
 * P-256 key and PKCS#10 CSR (SHA256withECDSA, BouncyCastle, as ursa-agent builds it). Only the CSR is kept: the
 * benchmark never uses the private key again.
 */
record CsrWorkloads(String[] nodeIds, String[] tokens, byte[][] csrs, Cost tokenCost, Cost csrCost) {

    /** Wall time and CPU time (of the one thread that did it) for all workloads. */
    record Cost(double wallMs, double cpuMs, double cpuMsEach) {
    }

    static CsrWorkloads prepare(int n, IntFunction<String> nodeId, IntFunction<String> token) throws Exception {
        String[] ids = new String[n];
        String[] tokens = new String[n];
        byte[][] csrs = new byte[n][];
        for (int i = 0; i < n; i++) ids[i] = nodeId.apply(i);
        Cost tokenCost = timed(n, () -> {
            for (int i = 0; i < n; i++) tokens[i] = token.apply(i);
        });
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        Cost csrCost = timed(n, () -> {
            for (int i = 0; i < n; i++) csrs[i] = csr(ec.generateKeyPair());
        });
        return new CsrWorkloads(ids, tokens, csrs, tokenCost, csrCost);
    }

    int size() {
        return nodeIds.length;
    }

    private static byte[] csr(KeyPair pair) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=workload"), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("building a CSR: " + e.getMessage(), e);
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static Cost timed(int n, Work work) throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        work.run();
        double wallMs = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
        return new Cost(round(wallMs), round(cpuMs), Math.round(cpuMs / n * 1000) / 1000.0);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
