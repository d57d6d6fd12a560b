package dev.spatialvqa.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCounterTest {
  private static final List<String[]> SAMPLES =
      List.of(
          new String[] {
            "How far is the chair from the table?", "The chair is 1.2 meters from the table."
          },
          new String[] {
            "Is the lamp to the left of the sofa?", "Yes, the lamp is to the left of the sofa."
          },
          new String[] {"How tall is the bookshelf?", "The bookshelf is about 1.85 meters tall."},
          new String[] {
            "Which is higher, the monitor or the cup?", "The monitor sits higher than the cup."
          },
          new String[] {
            "Quelle est la largeur du bureau ?", "Le bureau mesure 1,4 m de large. 桌子宽1.4米。"
          },
          new String[] {
            "What is the distance between the bed and the door? "
                + "Please be precise. ".repeat(40),
            "Roughly 2.3 meters."
          });

  @Test
  void countsMatchTheTokenizersOwnEncodingOnSampleRecords(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.write(file, TokenCounter.defaultTokenizerJson());
    try (TokenCounter counter =
            TokenCounter.load(
                "tokenizer.json", Files.readAllBytes(file), ChatFormat.defaultFormat(), 576, true);
        HuggingFaceTokenizer reference =
            HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optTruncation(false)
                .optPadding(false)
                .build()) {
      for (String[] qa : SAMPLES) {
        String rendered = "USER: " + qa[0] + "\nASSISTANT: " + qa[1];
        long expected = reference.encode(rendered).getIds().length;
        assertEquals(expected, counter.countQaText(qa[0], qa[1]), rendered);
        assertEquals(expected + 576, counter.countQa(qa[0], qa[1]));
      }
      // the long sample is beyond the file's own truncation (128): counted in full
      assertTrue(counter.countQaText(SAMPLES.get(5)[0], SAMPLES.get(5)[1]) > 128);
    }
  }

  @Test
  void knownCountOfTheDefaultTokenizer() {
    try (TokenCounter c = TokenCounter.loadDefault(0)) {
      // [CLS] user : how far is the chair from the table ? assistant : the chair is 1 . 2 meters
      // from the table . [SEP]
      assertEquals(
          26,
          c.countQa(
              "How far is the chair from the table?", "The chair is 1.2 meters from the table."));
      assertTrue(c.id().startsWith("all-minilm-l6-v2-q-tokenizer.json@"), c.id());
      assertEquals(12 + 1 + TokenCounter.DEFAULT_NAME.length(), c.id().length());
    }
  }

  @Test
  void generalTextAddsImageTokensPerImage() {
    try (TokenCounter c = TokenCounter.loadDefault(10)) {
      long text = c.countText("A photo of a cat on a mat.");
      assertEquals(text + 20, c.countGeneral("A photo of a cat on a mat.", 2));
    }
  }

  @Test
  void withoutSpecialTokensCountsTwoFewerForBert() {
    byte[] json = TokenCounter.defaultTokenizerJson();
    try (TokenCounter with = TokenCounter.load("t", json, ChatFormat.of("raw"), 0, true);
        TokenCounter without = TokenCounter.load("t", json, ChatFormat.of("raw"), 0, false)) {
      assertEquals(with.countQa("a b c", "d") - 2, without.countQa("a b c", "d"));
    }
  }

  @Test
  void invalidTokenizerFileIsRejectedWithItsName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TokenCounter.load(
                    "broken.json",
                    "{not json".getBytes(StandardCharsets.UTF_8),
                    ChatFormat.defaultFormat(),
                    0,
                    true));
    assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
  }

  @Test
  void aConversationPaysItsImageAndSpecialTokensOnceAndEachTurnItsText() {
    try (TokenCounter c = TokenCounter.loadDefault(576)) {
      assertEquals(2, c.specialTokensPerConversation(), "[CLS] [SEP]");
      assertEquals(578, c.conversationTokens());
      // "user : assistant :" around every turn, counted through the template and tokenizer
      assertEquals(4, c.templateTokensPerTurn());
      long turns = 0;
      for (String[] qa : SAMPLES) {
        long t = c.countTurn(qa[0], qa[1]);
        assertEquals(c.countQaText(qa[0], qa[1]) - 2, t, "a turn is its text without specials");
        assertEquals(578 + t, c.countQa(qa[0], qa[1]), "per_qa: every QA is a conversation");
        turns += t;
      }
      assertEquals(578 + turns, c.countConversation(SAMPLES, 1));
      // 52 QA of one image: one image, not 52
      java.util.List<String[]> many = new java.util.ArrayList<>();
      for (int i = 0; i < 52; i++) {
        many.add(SAMPLES.get(i % 4));
      }
      long perQa = 0;
      for (String[] qa : many) {
        perQa += c.countQa(qa[0], qa[1]);
      }
      assertEquals(perQa - 51L * 578, c.countConversation(many, 1));
    }
  }

  @Test
  void perTurnCountsEqualTheWholeConversationReencoded() {
    byte[] json = TokenCounter.defaultTokenizerJson();
    for (String f : List.of("user-assistant", "chatml", "raw", "Q: {question}\\nA: {answer}")) {
      for (boolean special : List.of(true, false)) {
        try (TokenCounter c = TokenCounter.load("t", json, ChatFormat.of(f), 576, special)) {
          for (int n = 1; n <= SAMPLES.size(); n++) {
            List<String[]> turns = SAMPLES.subList(0, n);
            assertEquals(
                c.countConversationText(turns, 1),
                c.countConversation(turns, 1),
                f + " special=" + special + " turns=" + n);
          }
        }
      }
    }
  }

  @Test
  void templateOverheadFollowsTheTemplateNotAConstant() {
    byte[] json = TokenCounter.defaultTokenizerJson();
    try (TokenCounter raw = TokenCounter.load("t", json, ChatFormat.of("raw"), 0, true);
        TokenCounter chatml = TokenCounter.load("t", json, ChatFormat.of("chatml"), 0, true)) {
      assertEquals(0, raw.templateTokensPerTurn());
      assertTrue(chatml.templateTokensPerTurn() > 10, "" + chatml.templateTokensPerTurn());
      assertEquals(
          raw.countTurn("a b", "c") + chatml.templateTokensPerTurn(), chatml.countTurn("a b", "c"));
    }
  }
}
