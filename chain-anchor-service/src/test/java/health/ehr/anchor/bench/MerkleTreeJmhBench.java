package health.ehr.anchor.bench;

import org.junit.jupiter.api.Test;

/** Runs the JMH benchmarks of {@link MerkleTreeJmh} in the bench profile (prints JMH's table). */
class MerkleTreeJmhBench {

    @Test
    void merkleTreeAtOneHundredThousandLeaves() throws Exception {
        MerkleTreeJmh.main(new String[0]);
    }
}
