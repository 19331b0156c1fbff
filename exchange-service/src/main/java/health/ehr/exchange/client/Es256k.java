package health.ehr.exchange.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * ES256K (ECDSA on secp256k1 with SHA-256, RFC 8812) for the exchange's request JWS, through
 * nimbus-jose-jwt with the BouncyCastle provider (Java 17's SunEC has no secp256k1). An organisation is
 * registered on chain by the Ethereum address of its key, not by the key: {@link #signerCandidates}
 * recovers the (at most two) public keys a signature can come from, so the verifier can ask the chain
 * which of their addresses is registered and then check the signature with that key.
 */
public final class Es256k {

    private Es256k() {
    }

    /** A key pair from its secp256k1 private key, as nimbus's {@link ECKey}. */
    public static ECKey ecKey(BigInteger privateKey) {
        ECKeyPair pair = ECKeyPair.create(privateKey);
        return publicEcKey(pair.getPublicKey()).toECKey(Base64URL.encode(Numeric.toBytesPadded(privateKey, 32)));
    }

    /** The Ethereum address (lower-case 0x hex) of a secp256k1 private key. */
    public static String address(BigInteger privateKey) {
        return "0x" + Keys.getAddress(ECKeyPair.create(privateKey)).toLowerCase(Locale.ROOT);
    }

    /** A signer for ES256K with {@code key}'s private half. */
    public static ECDSASigner signer(ECKey key) {
        try {
            ECDSASigner signer = new ECDSASigner(key.toECPrivateKey(BouncyCastleProviderSingleton.getInstance()),
                    Curve.SECP256K1);
            signer.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
            return signer;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an ES256K signer", e);
        }
    }

    /** A verifier for ES256K with the public key {@code publicKey} (64 bytes, x || y). */
    public static ECDSAVerifier verifier(BigInteger publicKey) {
        try {
            ECPublicKey key = publicEcKey(publicKey).toECKey(null)
                    .toECPublicKey(BouncyCastleProviderSingleton.getInstance());
            ECDSAVerifier verifier = new ECDSAVerifier(key);
            verifier.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
            return verifier;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an ES256K verifier", e);
        }
    }

    /** A public key that signed {@code jws} and its address, one of {@link #signerCandidates}. */
    public record Candidate(BigInteger publicKey, String address) {
    }

    /**
     * The public keys that an ES256K signature over {@code jws}'s signing input can have come from (the
     * signature has no recovery id, so both are tried), with their addresses; empty when the signature is
     * not 64 bytes or no key fits.
     */
    public static List<Candidate> signerCandidates(JWSObject jws) {
        byte[] signature = jws.getSignature() == null ? new byte[0] : jws.getSignature().decode();
        if (signature.length != 64) {
            return List.of();
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (r.signum() == 0 || s.signum() == 0) {
            return List.of();
        }
        byte[] hash = sha256(jws.getSigningInput());
        List<Candidate> candidates = new ArrayList<>(2);
        for (int recId = 0; recId < 2; recId++) {
            BigInteger key;
            try {
                key = Sign.recoverFromSignature(recId, new ECDSASignature(r, s), hash);
            } catch (RuntimeException e) {
                key = null;
            }
            if (key != null) {
                candidates.add(new Candidate(key, "0x" + Keys.getAddress(key).toLowerCase(Locale.ROOT)));
            }
        }
        return candidates;
    }

    private static PublicPoint publicEcKey(BigInteger publicKey) {
        byte[] xy = Numeric.toBytesPadded(publicKey, 64);
        return new PublicPoint(Base64URL.encode(Arrays.copyOfRange(xy, 0, 32)),
                Base64URL.encode(Arrays.copyOfRange(xy, 32, 64)));
    }

    /** The coordinates of a public key on secp256k1. */
    private record PublicPoint(Base64URL x, Base64URL y) {

        ECKey toECKey(Base64URL d) {
            ECKey.Builder builder = new ECKey.Builder(Curve.SECP256K1, x, y);
            if (d != null) {
                builder.d(d);
            }
            return builder.build();
        }
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
