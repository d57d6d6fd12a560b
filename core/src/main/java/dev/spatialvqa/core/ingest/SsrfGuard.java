package dev.spatialvqa.core.ingest;

import java.io.Serializable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The network policy of the fetcher: which URLs may be fetched at all.
 *
 * <p>Only {@code http} and {@code https}. The host is resolved and <em>every</em> resolved address
 * must be public: loopback, private (RFC 1918, CGNAT 100.64/10), link-local (169.254/16, which
 * holds the cloud metadata address 169.254.169.254), multicast, unspecified, broadcast, reserved
 * and documentation ranges are refused, and so are their IPv6 equivalents (::1, ::, fe80::/10,
 * fec0::/10, fc00::/7 unique-local, ff00::/8) and IPv4 addresses embedded in IPv6 (::ffff:0:0/96
 * mapped, ::/96 compatible, 64:ff9b::/96 NAT64, 2002::/16 6to4), which are judged by their IPv4
 * address. An address inside one of the {@code allowNetworks} CIDRs is allowed whatever its class.
 * The fetcher calls {@link #vet} for the first URL and again for every redirect target.
 *
 * <p>{@link #classify} is pure (no lookup), so it is tested on literal addresses without ever
 * connecting to them.
 */
public final class SsrfGuard implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Resolves a host name to its addresses; the default asks the JVM's resolver. */
  public interface Resolver extends Serializable {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private static final Resolver SYSTEM = InetAddress::getAllByName;

  private final List<Cidr> allowNetworks;
  private final Resolver resolver;

  private SsrfGuard(List<Cidr> allowNetworks, Resolver resolver) {
    this.allowNetworks = List.copyOf(allowNetworks);
    this.resolver = resolver;
  }

  /** The default policy: public addresses only, system resolver. */
  public static SsrfGuard defaults() {
    return new SsrfGuard(List.of(), SYSTEM);
  }

  /** Also allows these networks (CIDR strings, e.g. {@code 127.0.0.2/32}); validated here. */
  public SsrfGuard withAllowNetworks(List<String> cidrs) {
    List<Cidr> out = new ArrayList<>();
    for (String c : cidrs) {
      if (!c.isBlank()) {
        out.add(Cidr.parse(c));
      }
    }
    return new SsrfGuard(out, resolver);
  }

  /** Uses another resolver (tests: map names to loopback literals, simulate DNS rebinding). */
  public SsrfGuard withResolver(Resolver r) {
    return new SsrfGuard(allowNetworks, r);
  }

  public List<Cidr> allowNetworks() {
    return allowNetworks;
  }

  /**
   * The class of a non-public address ({@code loopback}, {@code private}, {@code link_local},
   * {@code multicast}, {@code unspecified}, {@code broadcast}, {@code reserved}, {@code
   * unique_local}, {@code site_local}, {@code documentation}, {@code shared}, {@code
   * ipv4_compatible}), or null for a public one. Pure: never resolves or connects.
   */
  public static String classify(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address || b.length == 4) {
      return classify4(b);
    }
    return classify6(b);
  }

  private static String classify4(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    int o2 = b[2] & 0xff;
    if (o0 == 0) {
      return "unspecified"; // 0.0.0.0/8, "this network"
    }
    if (o0 == 127) {
      return "loopback";
    }
    if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) {
      return "private";
    }
    if (o0 == 100 && (o1 & 0xc0) == 64) {
      return "shared"; // 100.64.0.0/10 carrier-grade NAT
    }
    if (o0 == 169 && o1 == 254) {
      return "link_local"; // includes the cloud metadata address 169.254.169.254
    }
    if (o0 == 192 && o1 == 0 && o2 == 0) {
      return "reserved"; // 192.0.0.0/24 IETF protocol assignments
    }
    if ((o0 == 192 && o1 == 0 && o2 == 2)
        || (o0 == 198 && o1 == 51 && o2 == 100)
        || (o0 == 203 && o1 == 0 && o2 == 113)) {
      return "documentation";
    }
    if (o0 == 198 && (o1 == 18 || o1 == 19)) {
      return "reserved"; // benchmarking
    }
    if (o0 >= 224 && o0 <= 239) {
      return "multicast";
    }
    if (o0 == 255 && o1 == 255 && o2 == 255 && (b[3] & 0xff) == 255) {
      return "broadcast";
    }
    if (o0 >= 240) {
      return "reserved";
    }
    return null;
  }

  private static String classify6(byte[] b) {
    boolean first10Zero = true;
    for (int i = 0; i < 10; i++) {
      first10Zero &= b[i] == 0;
    }
    boolean first12Zero = first10Zero && b[10] == 0 && b[11] == 0;
    if (first12Zero) {
      boolean last4Zero = b[12] == 0 && b[13] == 0 && b[14] == 0;
      if (last4Zero && b[15] == 0) {
        return "unspecified";
      }
      if (last4Zero && b[15] == 1) {
        return "loopback";
      }
      return "ipv4_compatible"; // ::a.b.c.d, deprecated; never a legitimate web host
    }
    if (first10Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return classify4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d mapped
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    if (w0 == 0x0064 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      boolean wkp = true;
      for (int i = 4; i < 12; i++) {
        wkp &= b[i] == 0;
      }
      if (wkp) {
        return classify4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::/96 NAT64
      }
    }
    if (w0 == 0x2002) {
      return classify4(Arrays.copyOfRange(b, 2, 6)); // 6to4 embeds an IPv4 address
    }
    if ((b[0] & 0xff) == 0xff) {
      return "multicast";
    }
    if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
      return "link_local";
    }
    if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
      return "site_local";
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return "unique_local";
    }
    if (w0 == 0x2001 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return "documentation";
    }
    if (w0 == 0x0100
        && b[2] == 0
        && b[3] == 0
        && b[4] == 0
        && b[5] == 0
        && b[6] == 0
        && b[7] == 0) {
      return "reserved"; // 100::/64 discard
    }
    return null;
  }

  /** Whether one address may be connected to under this policy. */
  public boolean allows(InetAddress a) {
    for (Cidr c : allowNetworks) {
      if (c.contains(a)) {
        return true;
      }
    }
    return classify(a) == null;
  }

  /**
   * Checks a URL and resolves its host. Every resolved address must be allowed; the returned list
   * is the vetted set the caller must connect to (and nothing else).
   *
   * @throws FetchException {@code unsupported_scheme}, {@code bad_url}, {@code dns_failed} or
   *     {@code ssrf_refused}
   */
  public List<InetAddress> vet(URI uri) throws FetchException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new FetchException(
          FetchException.UNSUPPORTED_SCHEME,
          "only http and https are fetched, not '" + scheme + "'");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new FetchException(FetchException.BAD_URL, "URL has no host: " + uri);
    }
    if (uri.getRawUserInfo() != null) {
      throw new FetchException(FetchException.BAD_URL, "URLs with user info are not fetched");
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] addrs;
    byte[] lit = Cidr.literal(bare);
    try {
      addrs =
          lit != null ? new InetAddress[] {InetAddress.getByAddress(lit)} : resolver.resolve(bare);
    } catch (UnknownHostException e) {
      throw new FetchException(FetchException.DNS_FAILED, "cannot resolve " + bare);
    }
    if (addrs == null || addrs.length == 0) {
      throw new FetchException(FetchException.DNS_FAILED, "no address for " + bare);
    }
    for (InetAddress a : addrs) {
      if (!allows(a)) {
        throw new FetchException(
            FetchException.SSRF_REFUSED,
            "refused "
                + bare
                + ": resolves to "
                + a.getHostAddress()
                + " ("
                + classify(a)
                + ")"
                + (allowNetworks.isEmpty() ? "" : "; allowed networks " + allowNetworks));
      }
    }
    return List.of(addrs);
  }
}
