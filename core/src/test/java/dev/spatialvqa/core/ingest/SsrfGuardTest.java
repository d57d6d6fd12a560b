package dev.spatialvqa.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The classifier on literal addresses: nothing here resolves a name or opens a connection. */
class SsrfGuardTest {
  private static InetAddress lit(String s) {
    try {
      return InetAddress.getByAddress(Cidr.literal(s));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static String cls(String s) throws Exception {
    byte[] b = Cidr.literal(s);
    if (b == null) {
      throw new IllegalArgumentException(s);
    }
    return SsrfGuard.classify(InetAddress.getByAddress(b));
  }

  @Test
  void classifiesIpv4SpecialRanges() throws Exception {
    assertEquals("loopback", cls("127.0.0.1"));
    assertEquals("loopback", cls("127.255.0.9"));
    assertEquals("private", cls("10.0.0.1"));
    assertEquals("private", cls("172.16.0.1"));
    assertEquals("private", cls("172.31.255.255"));
    assertEquals("private", cls("192.168.1.10"));
    assertEquals("shared", cls("100.64.0.1"));
    assertEquals("link_local", cls("169.254.169.254")); // cloud metadata
    assertEquals("link_local", cls("169.254.0.1"));
    assertEquals("multicast", cls("224.0.0.1"));
    assertEquals("multicast", cls("239.255.255.250"));
    assertEquals("unspecified", cls("0.0.0.0"));
    assertEquals("broadcast", cls("255.255.255.255"));
    assertEquals("reserved", cls("240.0.0.1"));
    assertEquals("documentation", cls("192.0.2.5"));
  }

  @Test
  void publicIpv4IsAllowed() throws Exception {
    assertNull(cls("8.8.8.8"));
    assertNull(cls("93.184.216.34"));
    assertNull(cls("172.32.0.1")); // just outside 172.16/12
    assertNull(cls("100.128.0.1")); // just outside 100.64/10
    assertNull(cls("11.0.0.1"));
  }

  @Test
  void classifiesIpv6EquivalentsAndEmbeddedIpv4() throws Exception {
    assertEquals("loopback", cls("::1"));
    assertEquals("unspecified", cls("::"));
    assertEquals("link_local", cls("fe80::1"));
    assertEquals("unique_local", cls("fc00::1"));
    assertEquals("unique_local", cls("fd12:3456::1"));
    assertEquals("multicast", cls("ff02::1"));
    assertEquals("site_local", cls("fec0::1"));
    assertEquals("documentation", cls("2001:db8::1"));
    // IPv4 hidden in IPv6 is judged by its IPv4 address
    assertEquals("loopback", cls("::ffff:127.0.0.1"));
    assertEquals("link_local", cls("::ffff:169.254.169.254"));
    assertEquals("private", cls("::ffff:10.1.2.3"));
    assertEquals("link_local", cls("64:ff9b::a9fe:a9fe")); // NAT64 of 169.254.169.254
    assertEquals("private", cls("2002:c0a8:0101::1")); // 6to4 of 192.168.1.1
    assertEquals("ipv4_compatible", cls("::7f00:1"));
    assertNull(cls("2606:4700:4700::1111"));
    assertNull(cls("::ffff:8.8.8.8"));
  }

  @Test
  void mappedIpv6BytesAreJudgedAsIpv4() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 169;
    mapped[13] = (byte) 254;
    mapped[14] = (byte) 169;
    mapped[15] = (byte) 254;
    java.net.Inet6Address a = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertEquals("link_local", SsrfGuard.classify(a));
  }

  @Test
  void allowNetworksOpenOnlyTheGivenRange() throws Exception {
    SsrfGuard g = SsrfGuard.defaults().withAllowNetworks(List.of("127.0.0.2/32", "fd00::/8"));
    assertTrue(g.allows(lit("127.0.0.2")));
    assertFalse(g.allows(lit("127.0.0.1")));
    assertFalse(g.allows(lit("127.0.0.3")));
    assertTrue(g.allows(lit("fd00::5")));
    assertFalse(g.allows(lit("fc00::5")));
    assertFalse(g.allows(lit("169.254.169.254")));
    assertTrue(g.allows(lit("8.8.8.8")));
    assertFalse(SsrfGuard.defaults().allows(lit("127.0.0.2")));
  }

  @Test
  void vetRefusesLiteralHostsSchemesAndEveryResolvedAddress() throws Exception {
    SsrfGuard g = SsrfGuard.defaults().withAllowNetworks(List.of("127.0.0.2/32"));
    assertEquals(
        FetchException.SSRF_REFUSED,
        assertThrows(
                FetchException.class,
                () -> g.vet(URI.create("http://169.254.169.254/latest/meta-data/")))
            .reason());
    assertEquals(
        FetchException.SSRF_REFUSED,
        assertThrows(FetchException.class, () -> g.vet(URI.create("http://[::ffff:127.0.0.1]:80/")))
            .reason());
    assertEquals(
        FetchException.SSRF_REFUSED,
        assertThrows(FetchException.class, () -> g.vet(URI.create("http://[fe80::1]/"))).reason());
    assertEquals(
        FetchException.UNSUPPORTED_SCHEME,
        assertThrows(FetchException.class, () -> g.vet(URI.create("ftp://8.8.8.8/x"))).reason());
    assertEquals(
        FetchException.BAD_URL,
        assertThrows(FetchException.class, () -> g.vet(URI.create("http://user:pw@8.8.8.8/x")))
            .reason());
    assertEquals(List.of(lit("127.0.0.2")), g.vet(URI.create("http://127.0.0.2:8080/a.jpg")));

    // a name that resolves to one allowed and one private address is refused as a whole
    SsrfGuard mixed = g.withResolver(h -> new InetAddress[] {lit("127.0.0.2"), lit("10.0.0.7")});
    FetchException e =
        assertThrows(FetchException.class, () -> mixed.vet(URI.create("http://images.test/a.jpg")));
    assertEquals(FetchException.SSRF_REFUSED, e.reason());
    assertTrue(e.getMessage().contains("10.0.0.7"), e.getMessage());
    SsrfGuard unknown =
        g.withResolver(
            h -> {
              throw new java.net.UnknownHostException(h);
            });
    assertEquals(
        FetchException.DNS_FAILED,
        assertThrows(FetchException.class, () -> unknown.vet(URI.create("http://nowhere.test/")))
            .reason());
  }

  @Test
  void cidrParsingValidates() {
    assertTrue(Cidr.parse("10.0.0.0/8").contains(lit("10.200.1.1")));
    assertFalse(Cidr.parse("10.0.0.0/8").contains(lit("11.0.0.1")));
    assertTrue(Cidr.parse("127.0.0.2").contains(lit("127.0.0.2")));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/24"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0/8"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("fd00::/129"));
  }
}
