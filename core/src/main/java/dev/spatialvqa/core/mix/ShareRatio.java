package dev.spatialvqa.core.mix;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A target share of spatial tokens as an exact rational {@code num/den} with {@code 0 < num < den}
 * (reduced). All admission arithmetic is integer: admitted spatial tokens {@code A} are within the
 * share of a window with {@code G} general tokens iff {@code A * den <= num * (G + A)}, i.e. iff
 * {@code A <= floor(num * G / (den - num))}. Products are computed with {@link BigInteger}, so no
 * token count can overflow them.
 */
public final class ShareRatio implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long num;
  private final long den;

  private ShareRatio(long num, long den) {
    this.num = num;
    this.den = den;
  }

  /** {@code num/den}, reduced; requires {@code 0 < num < den}. */
  public static ShareRatio of(long num, long den) {
    if (num <= 0 || den <= 0 || num >= den) {
      throw new IllegalArgumentException(
          "spatialShare must be a fraction strictly between 0 and 1, got " + num + "/" + den);
    }
    long g = BigInteger.valueOf(num).gcd(BigInteger.valueOf(den)).longValueExact();
    return new ShareRatio(num / g, den / g);
  }

  /**
   * Parses a decimal ({@code 0.05}) or a fraction ({@code 1/20}). Decimals are taken exactly as
   * written (0.05 is 1/20, not the nearest double).
   */
  public static ShareRatio parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("spatialShare is empty; expected e.g. 0.05 or 1/20");
    }
    String s = text.trim();
    try {
      int slash = s.indexOf('/');
      if (slash >= 0) {
        return of(
            Long.parseLong(s.substring(0, slash).trim()),
            Long.parseLong(s.substring(slash + 1).trim()));
      }
      BigDecimal d = new BigDecimal(s);
      if (d.scale() > 12) {
        throw new IllegalArgumentException(
            "spatialShare=" + s + " has more than 12 decimals; write it as a fraction N/D");
      }
      BigDecimal scaled = d.setScale(Math.max(d.scale(), 0), RoundingMode.UNNECESSARY);
      long den = BigInteger.TEN.pow(scaled.scale()).longValueExact();
      long num = scaled.unscaledValue().longValueExact();
      return of(num, den);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "spatialShare=" + s + " is not a number between 0 and 1 (e.g. 0.05 or 1/20)", e);
    }
  }

  public long num() {
    return num;
  }

  public long den() {
    return den;
  }

  public double asDouble() {
    return (double) num / (double) den;
  }

  /** The largest number of spatial tokens that stays within the share next to {@code general}. */
  public long maxSpatialTokens(long general) {
    if (general < 0) {
      throw new IllegalArgumentException("general tokens must be >= 0, got " + general);
    }
    BigInteger max =
        BigInteger.valueOf(num)
            .multiply(BigInteger.valueOf(general))
            .divide(BigInteger.valueOf(den - num));
    return max.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  /** True iff {@code spatial * den <= num * (general + spatial)}. */
  public boolean within(long spatial, long general) {
    BigInteger lhs = BigInteger.valueOf(spatial).multiply(BigInteger.valueOf(den));
    BigInteger rhs =
        BigInteger.valueOf(num)
            .multiply(BigInteger.valueOf(general).add(BigInteger.valueOf(spatial)));
    return lhs.compareTo(rhs) <= 0;
  }

  /**
   * The fewest general tokens next to which {@code spatial} tokens are within the share: {@code
   * ceil(spatial * (den - num) / num)}.
   */
  public long generalTokensNeeded(long spatial) {
    BigInteger[] qr =
        BigInteger.valueOf(spatial)
            .multiply(BigInteger.valueOf(den - num))
            .divideAndRemainder(BigInteger.valueOf(num));
    BigInteger ceil = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    return ceil.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  @Override
  public String toString() {
    return num + "/" + den;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareRatio && ((ShareRatio) o).num == num && ((ShareRatio) o).den == den;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(num) * 31 + Long.hashCode(den);
  }
}
