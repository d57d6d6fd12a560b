package dev.spatialvqa.core.ingest;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network in CIDR notation ({@code 127.0.0.2/32}, {@code fc00::/7}). */
public final class Cidr implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses {@code ADDRESS/PREFIX} (or a bare address, meaning a single host). Only literal
   * addresses are accepted: no host name is ever resolved here.
   */
  public static Cidr parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("empty CIDR");
    }
    String t = s.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = literal(addr);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "not a literal IPv4/IPv6 address in CIDR '" + s + "' (e.g. 10.1.0.0/16, fd00::/8)");
    }
    int max = bytes.length * 8;
    int prefix;
    if (slash < 0) {
      prefix = max;
    } else {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in CIDR '" + s + "'");
      }
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException(
          "prefix length " + prefix + " out of range 0.." + max + " in CIDR '" + s + "'");
    }
    return new Cidr(mask(bytes, prefix), prefix, t);
  }

  /** Whether the address lies in this network (an IPv4 network never contains an IPv6 address). */
  public boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != network.length) {
      return false;
    }
    return Arrays.equals(mask(b, prefix), network);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bits)));
    }
    return out;
  }

  /** Parses a literal IPv4 or IPv6 address without any DNS lookup, or returns null. */
  static byte[] literal(String s) {
    if (s.isEmpty()) {
      return null;
    }
    boolean v4 = s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    boolean v6 =
        s.indexOf(':') >= 0
            && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (v4) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (parts[i].isEmpty() || parts[i].length() > 3) {
          return null;
        }
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        out[i] = (byte) v;
      }
      return out;
    }
    if (!v6) {
      return null;
    }
    try {
      // with only hex digits, ':' and '.', InetAddress parses the literal and never resolves
      return InetAddress.getByName("[" + s + "]").getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr
        && ((Cidr) o).prefix == prefix
        && Arrays.equals(((Cidr) o).network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return text;
  }
}
