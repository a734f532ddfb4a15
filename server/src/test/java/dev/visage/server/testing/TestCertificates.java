package dev.visage.server.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority with a server certificate for localhost and 127.0.0.1, a
 * client certificate it signed, and a client certificate nobody trusts, written as PEM files.
 */
public final class TestCertificates {

  public final Path caCert;
  public final Path serverCert;
  public final Path serverKey;
  public final Path clientCert;
  public final Path clientKey;
  public final Path strangerCert;
  public final Path strangerKey;

  public TestCertificates(Path dir) throws Exception {
    Files.createDirectories(dir);
    KeyPair ca = keyPair();
    X500Name caName = new X500Name("CN=Visage test CA");
    X509Certificate caCertificate = sign(caName, ca, caName, ca.getPublic(), true, null);
    caCert = writeCert(dir.resolve("ca.pem"), caCertificate);

    KeyPair server = keyPair();
    GeneralNames serverNames = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
    serverCert = writeCert(dir.resolve("server.pem"),
        sign(caName, ca, new X500Name("CN=localhost"), server.getPublic(), false, serverNames));
    serverKey = writeKey(dir.resolve("server.key"), server.getPrivate());

    KeyPair client = keyPair();
    clientCert = writeCert(dir.resolve("client.pem"),
        sign(caName, ca, new X500Name("CN=camera client"), client.getPublic(), false, null));
    clientKey = writeKey(dir.resolve("client.key"), client.getPrivate());

    KeyPair stranger = keyPair();
    X500Name strangerName = new X500Name("CN=stranger");
    strangerCert = writeCert(dir.resolve("stranger.pem"),
        sign(strangerName, stranger, strangerName, stranger.getPublic(), false, null));
    strangerKey = writeKey(dir.resolve("stranger.key"), stranger.getPrivate());
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject,
      java.security.PublicKey subjectKey, boolean isCa, GeneralNames names) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))), subject, subjectKey);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    if (names != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, names);
    }
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static Path writeCert(Path file, X509Certificate certificate) throws IOException {
    return writePem(file, certificate);
  }

  private static Path writeKey(Path file, PrivateKey key) throws Exception {
    return writePem(file, new JcaPKCS8Generator(key, null).generate());
  }

  private static Path writePem(Path file, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(object);
    }
    Files.writeString(file, text.toString());
    return file;
  }
}
