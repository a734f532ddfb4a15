package dev.visage.server.api;

import com.google.protobuf.Timestamp;
import dev.visage.api.v1.BoundingBox;
import dev.visage.api.v1.Candidate;
import dev.visage.api.v1.DetectedFace;
import dev.visage.api.v1.Face;
import dev.visage.api.v1.Image;
import dev.visage.api.v1.ImageInfo;
import dev.visage.api.v1.Person;
import dev.visage.api.v1.Point;
import dev.visage.api.v1.RawImage;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.FaceRecord;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.gallery.PersonRecord;
import dev.visage.server.inference.FaceDetection;
import dev.visage.server.vision.ImageInput;
import dev.visage.server.vision.Landmarks;
import dev.visage.server.vision.PixelFormat;
import java.time.Instant;

/** Converts between the public API's messages and the server's own types. */
final class ProtoMapping {

  private ProtoMapping() {}

  /** @param field the request field, named in error messages */
  static ImageInput imageInput(String field, Image image) {
    return switch (image.getSourceCase()) {
      case ENCODED -> new ImageInput.Encoded(image.getEncoded().asReadOnlyByteBuffer());
      case RAW -> rawInput(field, image.getRaw());
      case SOURCE_NOT_SET -> throw ApiErrors.invalid(field + " is empty: set " + field
          + ".encoded to the bytes of a JPEG, PNG, BMP or WebP file, or " + field + ".raw to pixels");
    };
  }

  private static ImageInput rawInput(String field, RawImage raw) {
    PixelFormat format = switch (raw.getFormat()) {
      case PIXEL_FORMAT_BGR24 -> PixelFormat.BGR24;
      case PIXEL_FORMAT_RGB24 -> PixelFormat.RGB24;
      case PIXEL_FORMAT_GRAY8 -> PixelFormat.GRAY8;
      case PIXEL_FORMAT_BGRA32 -> PixelFormat.BGRA32;
      case PIXEL_FORMAT_RGBA32 -> PixelFormat.RGBA32;
      case PIXEL_FORMAT_UNSPECIFIED, UNRECOGNIZED -> throw ApiErrors.invalid(field
          + ".raw.format is not set; use PIXEL_FORMAT_BGR24, _RGB24, _GRAY8, _BGRA32 or _RGBA32");
    };
    // uint32 values above 2^31 arrive as negative ints.
    if (raw.getWidth() < 0 || raw.getHeight() < 0 || raw.getRowStride() < 0) {
      throw ApiErrors.invalid(field + ".raw is " + Integer.toUnsignedString(raw.getWidth()) + "x"
          + Integer.toUnsignedString(raw.getHeight()) + ", far beyond any image this server accepts");
    }
    return new ImageInput.Raw(raw.getWidth(), raw.getHeight(), format, raw.getRowStride(),
        raw.getPixels().asReadOnlyByteBuffer());
  }

  static ImageInfo imageInfo(int width, int height) {
    return ImageInfo.newBuilder().setWidth(width).setHeight(height).build();
  }

  static DetectedFace detectedFace(FaceDetection face) {
    return detectedFace(face.box().x(), face.box().y(), face.box().width(), face.box().height(),
        face.landmarks().toArray(), face.score());
  }

  static DetectedFace detectedFace(FaceOrigin origin) {
    return detectedFace(origin.x(), origin.y(), origin.width(), origin.height(), origin.landmarks(), origin.score());
  }

  private static DetectedFace detectedFace(float x, float y, float width, float height, float[] points, float score) {
    return DetectedFace.newBuilder()
        .setBox(BoundingBox.newBuilder().setX(x).setY(y).setWidth(width).setHeight(height))
        .setLandmarks(dev.visage.api.v1.Landmarks.newBuilder()
            .setRightEye(point(points, Landmarks.RIGHT_EYE))
            .setLeftEye(point(points, Landmarks.LEFT_EYE))
            .setNoseTip(point(points, Landmarks.NOSE_TIP))
            .setRightMouthCorner(point(points, Landmarks.RIGHT_MOUTH_CORNER))
            .setLeftMouthCorner(point(points, Landmarks.LEFT_MOUTH_CORNER)))
        .setDetectionScore(score)
        .build();
  }

  private static Point point(float[] points, int index) {
    return Point.newBuilder().setX(points[2 * index]).setY(points[2 * index + 1]).build();
  }

  static Candidate candidate(PersonMatch match) {
    return Candidate.newBuilder()
        .setPersonId(match.personId())
        .setDisplayName(match.displayName())
        .setSimilarity(match.similarity())
        .setFaceId(match.faceId())
        .build();
  }

  static Person person(PersonRecord person) {
    Person.Builder builder = Person.newBuilder()
        .setPersonId(person.personId())
        .setDisplayName(person.displayName())
        .setFaceCount(person.faceCount())
        .setCreateTime(timestamp(person.createTime()));
    person.faces().forEach(face -> builder.addFaces(face(face)));
    return builder.build();
  }

  static Face face(FaceRecord face) {
    return Face.newBuilder()
        .setFaceId(face.faceId())
        .setPersonId(face.personId())
        .setCreateTime(timestamp(face.createTime()))
        .setModelId(face.modelId())
        .setSourceFace(detectedFace(face.origin()))
        .build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
