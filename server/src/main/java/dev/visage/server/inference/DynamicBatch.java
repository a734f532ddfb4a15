package dev.visage.server.inference;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.visage.server.inference.onnx.OnnxGraph.AttributeProto;
import dev.visage.server.inference.onnx.OnnxGraph.GraphProto;
import dev.visage.server.inference.onnx.OnnxGraph.ModelProto;
import dev.visage.server.inference.onnx.OnnxGraph.NodeProto;
import dev.visage.server.inference.onnx.OnnxGraph.TensorProto;
import dev.visage.server.inference.onnx.OnnxGraph.TensorShapeProto;
import dev.visage.server.inference.onnx.OnnxGraph.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Makes an embedding model's batch dimension dynamic, in memory, so that several faces can be
 * embedded in one run.
 *
 * <p>Published graphs such as MobileFaceNet's are exported with a batch of one: the input is
 * declared [1, 3, H, W] and the final Reshape flattens to the constant shape [1, -1]. This edit
 * declares the input's and the output's first dimension symbolic ("batch") and gives the final
 * Reshape the shape [-1, D], where D is the embedding length. Nothing else changes, so every row
 * of a batched run equals the run of that face alone.
 */
public final class DynamicBatch {

  private static final String BATCH = "batch";
  private static final int INT64 = 7;

  private DynamicBatch() {}

  /**
   * @param model the ONNX model's bytes
   * @param input the name of the image input
   * @param output the name of the embedding output
   * @param dimension the embedding length
   * @return the edited model's bytes
   * @throws IllegalArgumentException when the graph is not shaped as expected; the message says how
   */
  public static byte[] apply(byte[] model, String input, String output, int dimension) {
    ModelProto parsed;
    try {
      parsed = ModelProto.parseFrom(model);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
    }
    GraphProto.Builder graph = parsed.getGraph().toBuilder();
    symbolicFirstDimension(graph.getInputBuilderList(), input);
    symbolicFirstDimension(graph.getOutputBuilderList(), output);
    // Intermediate shapes recorded at export time say batch 1; ONNX Runtime infers them again.
    graph.clearValueInfo();

    NodeProto reshape = graph.getNodeList().stream()
        .filter(n -> "Reshape".equals(n.getOpType()) && n.getOutputList().contains(output))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "no Reshape produces '" + output + "'; this model cannot be batched by this edit"));
    String shapeName = reshape.getInput(1);
    ByteString batchedShape = int64s(-1, dimension);
    if (!replaceConstant(graph, shapeName, batchedShape) && !replaceInitializer(graph, shapeName, batchedShape)) {
      throw new IllegalArgumentException(
          "the shape of the Reshape producing '" + output + "' is not a constant");
    }
    return parsed.toBuilder().setGraph(graph).build().toByteArray();
  }

  private static void symbolicFirstDimension(java.util.List<ValueInfoProto.Builder> values, String name) {
    ValueInfoProto.Builder value = values.stream()
        .filter(v -> name.equals(v.getName()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the model has no input or output named '" + name + "'"));
    TensorShapeProto.Builder shape = value.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
    if (shape.getDimCount() == 0) {
      throw new IllegalArgumentException("'" + name + "' has no declared shape");
    }
    shape.setDim(0, TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
  }

  private static boolean replaceConstant(GraphProto.Builder graph, String tensor, ByteString shape) {
    for (NodeProto.Builder node : graph.getNodeBuilderList()) {
      if ("Constant".equals(node.getOpType()) && node.getOutputList().contains(tensor)) {
        for (AttributeProto.Builder attribute : node.getAttributeBuilderList()) {
          if ("value".equals(attribute.getName())) {
            attribute.setT(asInt64Tensor(attribute.getT(), shape));
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean replaceInitializer(GraphProto.Builder graph, String tensor, ByteString shape) {
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      if (tensor.equals(graph.getInitializer(i).getName())) {
        graph.setInitializer(i, asInt64Tensor(graph.getInitializer(i), shape));
        return true;
      }
    }
    return false;
  }

  private static TensorProto asInt64Tensor(TensorProto original, ByteString values) {
    if (original.getDataType() != INT64) {
      throw new IllegalArgumentException("a Reshape shape must be int64, found data type " + original.getDataType());
    }
    return original.toBuilder()
        .clearDims().addDims(values.size() / Long.BYTES)
        .clearInt64Data()
        .setRawData(values)
        .build();
  }

  private static ByteString int64s(long... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (long value : values) {
      buffer.putLong(value);
    }
    return ByteString.copyFrom(buffer.array());
  }
}
