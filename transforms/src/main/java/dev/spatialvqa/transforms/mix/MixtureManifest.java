package dev.spatialvqa.transforms.mix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spatialvqa.core.mix.ExportLayout;
import dev.spatialvqa.core.mix.MixtureWeights;
import dev.spatialvqa.core.mix.ReasoningFormat;
import dev.spatialvqa.core.mix.ShareRatio;
import dev.spatialvqa.schemas.MixAccounting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Writes {@code OUTPUT/mixture.json} after a bounded run: the shards of each source a trainer mixes
 * (admitted spatial QA under {@code qa/}, the general mix's files) with the sampling weights that
 * realise the target share ({@link MixtureWeights}), totals summed from {@code accounting/}, and
 * the reserve (not part of the mixture). Shard paths under OUTPUT are relative to it.
 *
 * <p>It also states how the spatial tokens were counted, which is how {@code export} must write
 * them for the share to hold: {@code layout} (the export grouping), {@code
 * image_tokens_per_conversation}, {@code special_tokens_per_conversation}, {@code
 * template_tokens_per_turn}, the number of {@code conversations} and {@code turns}, the resulting
 * {@code spatial_share} and {@code share_tolerance} (the share is at most the target and, when
 * every window had QA left waiting, at least the target minus the tolerance). {@code export} reads
 * {@code layout} and refuses to write another grouping.
 */
public final class MixtureManifest {
  private MixtureManifest() {}

  /**
   * Builds the manifest of a finished bounded run.
   *
   * @param output the run's output folder or prefix
   * @param generalPattern the general mix's file pattern, or null when the run had none
   * @param share the target share (used when no accounting record exists)
   * @param tokenizerId the tokenizer's id (used when no accounting record exists)
   */
  public static Map<String, Object> build(
      String output, String generalPattern, ShareRatio share, String tokenizerId)
      throws IOException {
    return build(output, generalPattern, share, tokenizerId, ExportLayout.DEFAULT);
  }

  /**
   * Builds the manifest of a finished bounded run.
   *
   * @param layout the layout the gate accounted for (used when no accounting record exists)
   */
  public static Map<String, Object> build(
      String output,
      String generalPattern,
      ShareRatio share,
      String tokenizerId,
      ExportLayout layout)
      throws IOException {
    long general = 0,
        generalRecords = 0,
        admitted = 0,
        qaAdmitted = 0,
        reserved = 0,
        qaReserved = 0;
    long tooLate = 0, windows = 0, conversations = 0, conversationTokens = 0, waitingCharges = 0;
    boolean everyWindowFull = true;
    String tokenizer = tokenizerId, chatFormat = null, layoutId = layout.id();
    Integer imageTokens = null;
    Long specialTokens = null, templateTokens = null;
    for (MixAccounting m : readAccounting(child(output, "accounting"))) {
      general += m.getGeneralTokens();
      generalRecords += m.getGeneralRecords();
      admitted += m.getSpatialTokensAdmitted();
      qaAdmitted += m.getQaAdmitted();
      reserved += m.getSpatialTokensReserved();
      qaReserved += m.getQaReserved();
      tooLate += m.getGeneralTokensTooLate();
      conversations += m.getConversationsOpened();
      conversationTokens += m.getConversationTokensAdmitted();
      if ("window".equals(m.getRecordKind())) {
        windows++;
        if (m.getMinWaitingCharge() == null) {
          everyWindowFull = false;
        } else {
          waitingCharges += m.getMinWaitingCharge();
        }
      }
      tokenizer = m.getTokenizer();
      chatFormat = m.getChatFormat();
      imageTokens = m.getImageTokensPerConversation();
      specialTokens = m.getSpecialTokensPerConversation();
      templateTokens = m.getTemplateTokensPerTurn();
      if (!m.getLayout().isEmpty()) {
        layoutId = m.getLayout();
      }
    }
    // a trainer samples the exported conversations, so they are the spatial source's examples
    MixtureWeights w = new MixtureWeights(share, admitted, conversations, general, generalRecords);
    long total = admitted + general;
    Double spatialShare = total == 0 ? null : admitted / (double) total;
    // per window: target - achieved < min_waiting_charge / (general + admitted), summed
    Double tolerance =
        generalPattern != null && windows > 0 && everyWindowFull && total > 0
            ? waitingCharges / (double) total
            : null;

    Map<String, Object> spatial = new LinkedHashMap<>();
    spatial.put("name", "spatial_qa");
    spatial.put("format", "avro:QaRecord");
    spatial.put("shards", relativeShards(output, "qa"));
    spatial.put("records", qaAdmitted);
    spatial.put("conversations", conversations);
    spatial.put("tokens", admitted);
    spatial.put("turn_tokens", admitted - conversationTokens);
    spatial.put("conversation_tokens", conversationTokens);
    spatial.put("token_weight", w.spatialTokenWeight());
    spatial.put("example_probability", w.spatialExampleProbability());
    spatial.put("epochs_per_general_epoch", w.spatialEpochsPerGeneralEpoch());

    Map<String, Object> gen = new LinkedHashMap<>();
    gen.put("name", "general");
    gen.put("format", "jsonl");
    gen.put("shards", generalPattern == null ? List.of() : files(generalPattern));
    gen.put("records", generalRecords);
    gen.put("tokens", general);
    gen.put("token_weight", w.generalTokenWeight());
    Double ps = w.spatialExampleProbability();
    gen.put("example_probability", ps == null ? null : 1.0 - ps);
    gen.put("epochs_per_general_epoch", 1.0);

    Map<String, Object> reserve = new LinkedHashMap<>();
    reserve.put("shards", relativeShards(output, "reserve"));
    reserve.put("records", qaReserved);
    reserve.put("tokens", reserved);

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target_share", share.asDouble());
    m.put("target_share_exact", share.toString());
    m.put("tokenizer", tokenizer);
    m.put("chat_format", chatFormat);
    m.put("layout", layoutId);
    // both export formats write the same conversations for a layout
    m.put("export_formats", List.of("messages", "llava"));
    m.put(
        "export",
        "bin/spatialvqa export --format=messages|llava --layout="
            + layoutId
            + " --input=OUTPUT --output=FILE: writes the conversations these tokens were counted"
            + " for (another layout breaks the share; export refuses it)");
    m.put("image_tokens_per_conversation", imageTokens);
    m.put("special_tokens_per_conversation", specialTokens);
    m.put("template_tokens_per_turn", templateTokens);
    m.put("conversations", conversations);
    m.put("turns", qaAdmitted);
    m.put("spatial_tokens", admitted);
    m.put("general_tokens", general);
    m.put("spatial_share", spatialShare);
    m.put("share_tolerance", tolerance);
    m.put("gated", generalPattern != null);
    m.put("windows", windows);
    m.put("share_as_is", w.shareAsIs());
    m.put("general_tokens_needed", w.generalTokensNeeded());
    m.put("general_tokens_too_late", tooLate);
    m.put("sources", List.of(spatial, gen));
    m.put("reserve", reserve);
    m.put(
        "how_to_use",
        "sample token_weight of the training tokens from each source (or per example with"
            + " example_probability); equivalently repeat the spatial shards"
            + " epochs_per_general_epoch times per pass over the general shards");
    return m;
  }

  /** Builds and writes {@code OUTPUT/mixture.json}; returns its location. */
  public static String write(
      String output, String generalPattern, ShareRatio share, String tokenizerId)
      throws IOException {
    return write(output, generalPattern, share, tokenizerId, ExportLayout.DEFAULT);
  }

  /** Builds and writes {@code OUTPUT/mixture.json} for {@code layout}; returns its location. */
  public static String write(
      String output,
      String generalPattern,
      ShareRatio share,
      String tokenizerId,
      ExportLayout layout)
      throws IOException {
    return write(output, generalPattern, share, tokenizerId, layout, ReasoningFormat.none());
  }

  /**
   * Builds and writes {@code OUTPUT/mixture.json} for {@code layout} and the assistant texts
   * rendered with {@code reasoning} (recorded as {@code reasoning}: export must write the traces
   * the same way for the share to hold); returns its location.
   */
  public static String write(
      String output,
      String generalPattern,
      ShareRatio share,
      String tokenizerId,
      ExportLayout layout,
      ReasoningFormat reasoning)
      throws IOException {
    Map<String, Object> m = build(output, generalPattern, share, tokenizerId, layout);
    m.put("reasoning", reasoning.id());
    if (!reasoning.isNone()) {
      m.put(
          "export",
          "bin/spatialvqa export --format=messages|llava --layout="
              + m.get("layout")
              + " --reasoning="
              + (reasoning.name().equals("custom") ? "'" + reasoning.id() + "'" : reasoning.id())
              + " --input=OUTPUT --output=FILE: writes the conversations these tokens were counted"
              + " for, reasoning traces included (another layout or reasoning breaks the share;"
              + " export refuses it)");
    }
    ResourceId target =
        FileSystems.matchNewResource(output, true)
            .resolve("mixture.json", ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
      out.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m));
    }
    return target.toString();
  }

  private static String child(String base, String dir) {
    return FileSystems.matchNewResource(base, true)
        .resolve(dir, ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY)
        .toString();
  }

  private static List<String> files(String pattern) throws IOException {
    MatchResult r = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
    List<String> out = new ArrayList<>();
    if (r.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata md : r.metadata()) {
        out.add(md.resourceId().toString());
      }
    }
    out.sort(null);
    return out;
  }

  private static List<String> relativeShards(String output, String dir) throws IOException {
    String base = child(output, dir);
    List<String> out = new ArrayList<>();
    for (String f : files(base + "*.avro")) {
      out.add(dir + "/" + f.substring(f.lastIndexOf('/') + 1));
    }
    return out;
  }

  private static List<MixAccounting> readAccounting(String dir) throws IOException {
    List<MixAccounting> out = new ArrayList<>();
    for (String f : files(dir + "*.avro")) {
      try (InputStream in =
              Channels.newInputStream(
                  FileSystems.open(FileSystems.matchSingleFileSpec(f).resourceId()));
          DataFileStream<MixAccounting> s =
              new DataFileStream<>(in, new SpecificDatumReader<>(MixAccounting.class))) {
        s.forEach(out::add);
      }
    }
    return out;
  }
}
