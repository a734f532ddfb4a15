package dev.visage.server.golden;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_LAYOUT_NCHW;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_PMODE_NULL;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImageWithParams;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visage.server.Engine;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.testing.Pixels;
import dev.visage.server.testing.SharedData;
import dev.visage.server.testing.SharedEngine;
import dev.visage.server.vision.AlignedFace;
import dev.visage.server.vision.BgrImage;
import dev.visage.server.vision.FaceAligner;
import dev.visage.server.vision.ImageDecoder;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.ImageLimits;
import dev.visage.server.vision.Landmarks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_dnn.Image2BlobParams;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.bytedeco.opencv.opencv_objdetect.FaceDetectorYN;
import org.bytedeco.opencv.opencv_objdetect.FaceRecognizerSF;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: our detection, alignment and embedding must agree with OpenCV's own
 * implementation of the same models (FaceDetectorYN, FaceRecognizerSF.alignCrop, the DNN module)
 * on every real photo. This is how we know the preprocessing and decoding are right.
 */
class OpenCvReferenceTest {

  private static final float SCORE = 0.9f;
  private static Engine engine;
  private static FaceDetectorYN referenceDetector;
  private static FaceRecognizerSF referenceAligner;
  private static Net referenceEmbedder;
  private static final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

  @BeforeAll
  static void load() {
    engine = SharedEngine.get();
    // OpenCV 4.x cannot read the dynamic YuNet file; its fixed-size twin holds the same weights.
    referenceDetector = FaceDetectorYN.create(SharedData.model("yunet_s_640_640.onnx").toString(), "",
        new Size(320, 320), SCORE, 0.3f, 5000, 0, 0);
    referenceAligner = FaceRecognizerSF.create(SharedData.model("MobileFaceNet.onnx").toString(), "");
    referenceEmbedder = readNetFromONNX(SharedData.model("MobileFaceNet.onnx").toString());
  }

  @AfterAll
  static void release() {
    referenceDetector.close();
    referenceAligner.close();
    referenceEmbedder.close();
  }

  /** OpenCV's detections, run on the same working-size image our detector uses, in original pixels. */
  private static List<FaceDetection> referenceDetections(BgrImage image) {
    float scale = engine.detector().workingScale(image.width(), image.height());
    try (Mat working = new Mat(); Mat faces = new Mat()) {
      if (scale < 1f) {
        resize(image.mat(), working, new Size(Math.round(image.width() * scale), Math.round(image.height() * scale)),
            0, 0, INTER_AREA);
      } else {
        image.mat().copyTo(working);
      }
      referenceDetector.setInputSize(new Size(working.cols(), working.rows()));
      referenceDetector.detect(working, faces);
      List<FaceDetection> result = new ArrayList<>();
      if (faces.rows() == 0) {
        return result;
      }
      FloatIndexer rows = faces.createIndexer();
      for (int r = 0; r < faces.rows(); r++) {
        float[] points = new float[10];
        for (int i = 0; i < 10; i++) {
          points[i] = rows.get(r, 4 + i);
        }
        FaceDetection face = new FaceDetection(
            new dev.visage.server.vision.Box(rows.get(r, 0), rows.get(r, 1), rows.get(r, 2), rows.get(r, 3)),
            new Landmarks(points), rows.get(r, 14));
        result.add(face.scaled(1f / scale));
      }
      return result;
    }
  }

  private static FaceDetection closest(FaceDetection target, List<FaceDetection> among) {
    return among.stream().max((a, b) -> Float.compare(a.box().iou(target.box()), b.box().iou(target.box()))).orElseThrow();
  }

  private static float maxLandmarkError(FaceDetection a, FaceDetection b) {
    float worst = 0;
    for (int p = 0; p < 5; p++) {
      worst = Math.max(worst, Math.abs(a.landmarks().x(p) - b.landmarks().x(p)));
      worst = Math.max(worst, Math.abs(a.landmarks().y(p) - b.landmarks().y(p)));
    }
    return worst;
  }

  @Test
  void detectionMatchesFaceDetectorYnOnEveryPhoto() throws Exception {
    Map<String, Integer> referenceCounts = SharedData.referenceFaceCounts();
    float worstIou = 1;
    float worstLandmark = 0;
    int faces = 0;
    for (Path photo : SharedData.allPhotos()) {
      String name = SharedData.relative(photo);
      try (BgrImage image = decoder.decode(ImageInput.Encoded.of(Files.readAllBytes(photo)))) {
        List<FaceDetection> ours = engine.detector().detect(image, SCORE);
        List<FaceDetection> reference = referenceDetections(image);
        assertEquals(reference.size(), ours.size(), name + ": same number of faces as OpenCV");
        assertEquals(referenceCounts.get(name), ours.size(), name + ": the published reference count");
        for (FaceDetection expected : reference) {
          FaceDetection actual = closest(expected, ours);
          float iou = actual.box().iou(expected.box());
          float landmarks = maxLandmarkError(actual, expected);
          assertTrue(iou >= 0.9f, name + ": box IoU " + iou);
          assertTrue(landmarks <= 2f, name + ": landmarks off by " + landmarks + " px");
          assertEquals(expected.score(), actual.score(), 0.01f, name + ": score");
          worstIou = Math.min(worstIou, iou);
          worstLandmark = Math.max(worstLandmark, landmarks);
          faces++;
        }
      }
    }
    System.out.printf(Locale.ROOT, "[golden] detection: %d faces in %d photos, lowest IoU %.4f, largest landmark error %.3f px%n",
        faces, SharedData.allPhotos().size(), worstIou, worstLandmark);
    assertTrue(faces > 100, "the photos hold well over a hundred faces, found " + faces);
  }

  @Test
  void alignmentAndEmbeddingMatchFaceRecognizerSfAndTheDnnModule() throws Exception {
    FaceAligner aligner = new FaceAligner();
    double worstSameLandmarks = 0;
    double worstOwnLandmarks = 0;
    double worstCosine = 1;
    int faces = 0;
    List<float[]> embeddings = new ArrayList<>();
    for (Path photo : SharedData.allPhotos()) {
      String name = SharedData.relative(photo);
      try (BgrImage image = decoder.decode(ImageInput.Encoded.of(Files.readAllBytes(photo)))) {
        List<FaceDetection> ours = engine.detector().detect(image, SCORE);
        List<FaceDetection> reference = referenceDetections(image);
        for (FaceDetection face : ours) {
          AlignedFace aligned = aligner.align(image, face.landmarks());
          try (Mat ourCrop = mat(aligned);
              Mat cropFromSameLandmarks = alignCrop(image, face);
              Mat cropFromOwnLandmarks = alignCrop(image, closest(face, reference))) {
            double same = Pixels.meanAbsDifference(ourCrop, cropFromSameLandmarks);
            double own = Pixels.meanAbsDifference(ourCrop, cropFromOwnLandmarks);
            assertTrue(same <= 0.5, name + ": crop differs from alignCrop's by " + same + " per value");
            assertTrue(own <= 3.0, name + ": crop differs from the reference pipeline's by " + own + " per value");
            worstSameLandmarks = Math.max(worstSameLandmarks, same);
            worstOwnLandmarks = Math.max(worstOwnLandmarks, own);

            float[] ourVector = engine.embedder().embed(List.of(aligned))[0];
            float[] referenceVector = referenceEmbedding(cropFromSameLandmarks);
            double cosine = dot(ourVector, referenceVector);
            assertTrue(cosine >= 0.999, name + ": embedding cosine with OpenCV's " + cosine);
            worstCosine = Math.min(worstCosine, cosine);
            embeddings.add(ourVector);
            faces++;
          }
        }
      }
    }
    // The vectors carry identity, not noise: different faces are far from identical.
    double mostSimilarPair = -1;
    for (int i = 0; i < embeddings.size(); i++) {
      for (int j = i + 1; j < embeddings.size(); j++) {
        mostSimilarPair = Math.max(mostSimilarPair, dot(embeddings.get(i), embeddings.get(j)));
      }
    }
    System.out.printf(Locale.ROOT, "[golden] alignment: %d faces, mean pixel difference with alignCrop <= %.3f (same landmarks), "
        + "<= %.3f (OpenCV's landmarks); embedding cosine with OpenCV DNN >= %.5f%n",
        faces, worstSameLandmarks, worstOwnLandmarks, worstCosine);
    assertTrue(mostSimilarPair < 0.999, "two different faces never give the same vector");
  }

  private static Mat alignCrop(BgrImage image, FaceDetection face) {
    Mat row = new Mat(1, 15, CV_32F);
    FloatIndexer values = row.createIndexer();
    values.put(0, 0, face.box().x());
    values.put(0, 1, face.box().y());
    values.put(0, 2, face.box().width());
    values.put(0, 3, face.box().height());
    for (int p = 0; p < 5; p++) {
      values.put(0, 4 + 2 * p, face.landmarks().x(p));
      values.put(0, 5 + 2 * p, face.landmarks().y(p));
    }
    values.put(0, 14, face.score());
    Mat aligned = new Mat();
    referenceAligner.alignCrop(image.mat(), row, aligned);
    row.close();
    return aligned;
  }

  /** MobileFaceNet through OpenCV's DNN module: RGB, /255, ImageNet mean and std per channel. */
  private static float[] referenceEmbedding(Mat bgrCrop) {
    try (Mat rgb = new Mat()) {
      cvtColor(bgrCrop, rgb, COLOR_BGR2RGB);
      double[] mean = {0.485, 0.456, 0.406};
      double[] std = {0.229, 0.224, 0.225};
      Image2BlobParams params = new Image2BlobParams(
          new Scalar(1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2]), 0),
          new Size(112, 112),
          new Scalar(255 * mean[0], 255 * mean[1], 255 * mean[2], 0),
          false, CV_32F, DNN_LAYOUT_NCHW, DNN_PMODE_NULL, new Scalar(0.0));
      try (Mat blob = blobFromImageWithParams(rgb, params)) {
        referenceEmbedder.setInput(blob);
        try (Mat output = referenceEmbedder.forward()) {
          float[] vector = new float[128];
          ((FloatIndexer) output.createIndexer()).get(0, vector);
          double norm = Math.sqrt(dot(vector, vector));
          for (int i = 0; i < vector.length; i++) {
            vector[i] /= (float) norm;
          }
          return vector;
        }
      }
    }
  }

  private static Mat mat(AlignedFace face) {
    Mat mat = new Mat(AlignedFace.SIZE, AlignedFace.SIZE, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
    mat.data().put(face.bgr());
    return mat;
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
