// The cost of one ES256 signature (the proof token of every approved check) on this machine: java bench/Es256.java
import java.security.*;
import java.security.spec.ECGenParameterSpec;
public class Es256 {
    public static void main(String[] a) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC"); g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        byte[] data = new byte[300];
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime(); int n = 0;
            while (System.nanoTime() - t0 < 3_000_000_000L) {
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format"); s.initSign(k.getPrivate()); s.update(data); s.sign(); n++;
            }
            System.out.printf("ES256 signatures per second, one thread: %.0f%n", n / 3.0);
        }
    }
}
