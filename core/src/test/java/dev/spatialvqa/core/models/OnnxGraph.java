package dev.spatialvqa.core.models;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds tiny ONNX graphs in tests (tribuo-util-onnx's protobuf classes) with the real exports'
 * input/output names, dtypes and shapes; a dimension of -1 is a named dynamic axis.
 */
public final class OnnxGraph {
  public static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
  public static final int INT64 = OnnxMl.TensorProto.DataType.INT64.getNumber();
  public static final int BOOL = OnnxMl.TensorProto.DataType.BOOL.getNumber();

  private final OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("test");
  private int dyn;
  private int nodes;

  public static OnnxGraph create() {
    return new OnnxGraph();
  }

  public OnnxGraph input(String name, int type, long... dims) {
    g.addInput(value(name, type, dims));
    return this;
  }

  public OnnxGraph output(String name, int type, long... dims) {
    g.addOutput(value(name, type, dims));
    return this;
  }

  public OnnxGraph floats(String name, float[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    g.addInitializer(t);
    return this;
  }

  public OnnxGraph longs(String name, long[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    g.addInitializer(t);
    return this;
  }

  /** A node; attributes as (name, value) pairs: Long, Float, long[] or String. */
  public OnnxGraph node(String op, String[] inputs, String[] outputs, Object... attrs) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder().setOpType(op).setName(op + "_" + nodes++);
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    for (int i = 0; i < attrs.length; i += 2) {
      OnnxMl.AttributeProto.Builder a =
          OnnxMl.AttributeProto.newBuilder().setName((String) attrs[i]);
      Object v = attrs[i + 1];
      if (v instanceof Long l) {
        a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
      } else if (v instanceof Integer l) {
        a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
      } else if (v instanceof Float f) {
        a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(f);
      } else if (v instanceof long[] ls) {
        a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long l : ls) {
          a.addInts(l);
        }
      } else if (v instanceof OnnxMl.TensorProto t) {
        a.setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(t);
      } else {
        a.setType(OnnxMl.AttributeProto.AttributeType.STRING)
            .setS(com.google.protobuf.ByteString.copyFromUtf8(v.toString()));
      }
      n.addAttribute(a);
    }
    g.addNode(n);
    return this;
  }

  public OnnxGraph node(String op, String input, String output, Object... attrs) {
    return node(op, new String[] {input}, new String[] {output}, attrs);
  }

  public byte[] bytes() {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("spatialvqa-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  public Path write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes());
    return file;
  }

  private OnnxMl.ValueInfoProto value(String name, int type, long[] dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d < 0) {
        db.setDimParam("d" + dyn++);
      } else {
        db.setDimValue(d);
      }
      shape.addDim(db);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
        .build();
  }
}
