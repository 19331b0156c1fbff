package health.ehr.anchor.bench;

import health.ehr.anchor.service.MerkleTree;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: building a 100,000-leaf tree (with every leaf's proof, as a batch close does), one proof, and
 * verifying one proof. Run: {@code mvn -Pbench -DskipStack verify -pl chain-anchor-service} (it runs
 * {@link #main} through MerkleTreeJmhBench) or this class's main on the test classpath.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MerkleTreeJmh {

    static final int LEAVES = 100_000;

    private List<byte[]> leaves;
    private MerkleTree tree;
    private List<MerkleTree.ProofStep> proof;
    private byte[] leaf;
    private byte[] root;
    private int index;

    @Setup(Level.Trial)
    public void setUp() {
        SecureRandom random = new SecureRandom();
        leaves = new ArrayList<>(LEAVES);
        for (int i = 0; i < LEAVES; i++) {
            byte[] l = new byte[32];
            random.nextBytes(l);
            leaves.add(l);
        }
        tree = MerkleTree.build(leaves);
        index = LEAVES / 3;
        leaf = leaves.get(index);
        proof = tree.proof(index);
        root = tree.root();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public byte[] buildTree() {
        return MerkleTree.build(leaves).root();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int buildTreeAndEveryProof() {
        MerkleTree t = MerkleTree.build(leaves);
        int steps = 0;
        for (int i = 0; i < LEAVES; i++) {
            steps += t.proof(i).size();
        }
        return steps;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<MerkleTree.ProofStep> oneProof() {
        return tree.proof(index);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean verifyOneProof() {
        return MerkleTree.verify(leaf, proof, root);
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(MerkleTreeJmh.class.getSimpleName()).build()).run();
    }
}
