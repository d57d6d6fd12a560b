package dev.spatialvqa.core.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spatialvqa.schemas.Provenance;
import dev.spatialvqa.schemas.QaRecord;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * QA records written before the multi-step fields existed ({@code steps}, {@code reasoning_trace},
 * {@code answer_label}, {@code tolerance_si}) read with today's schema: the new fields take their
 * defaults. The old schema is the repository's QaRecord.avsc before issue 22, copied to
 * schema-history/.
 */
class QaRecordEvolutionTest {
  static Schema oldSchema() throws Exception {
    Schema.Parser p = new Schema.Parser();
    p.parse(Provenance.getClassSchema().toString());
    try (InputStream in =
        QaRecordEvolutionTest.class.getResourceAsStream(
            "/schema-history/QaRecord-before-multistep.avsc")) {
      return p.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void recordsWrittenBeforeMultiStepReadWithDefaults() throws Exception {
    Schema old = oldSchema();
    assertEquals(
        SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(QaRecord.getClassSchema(), old)
            .getType());
    GenericRecord r = new GenericData.Record(old);
    r.put("qa_id", "q1");
    r.put("scene_id", "s");
    r.put("image_uri", "file:///s.jpg");
    r.put("question", "How far is the lamp from the bed?");
    r.put("answer", "About 1.5 meters.");
    r.put("question_type", "distance");
    r.put("kind", new GenericData.EnumSymbol(old.getField("kind").schema(), "quantitative"));
    r.put("object_ids", List.of("1", "2"));
    r.put("object_refs", List.of("the lamp", "the bed"));
    r.put("value_si", 1.52);
    r.put("tie", false);
    r.put("template_id", "distance/q0");
    GenericRecord prov = new GenericData.Record(old.getField("provenance").schema());
    prov.put("engine_version", "0.0.9");
    prov.put("models", Map.of());
    prov.put("settings", Map.of());
    r.put("provenance", prov);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(old).write(r, enc);
    enc.flush();
    QaRecord q =
        new SpecificDatumReader<QaRecord>(old, QaRecord.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertEquals("About 1.5 meters.", q.getAnswer());
    assertTrue(q.getSteps().isEmpty());
    assertNull(q.getReasoningTrace());
    assertNull(q.getAnswerLabel());
    assertNull(q.getToleranceSi());
  }
}
