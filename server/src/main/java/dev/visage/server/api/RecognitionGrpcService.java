package dev.visage.server.api;

import dev.visage.api.v1.DetectRequest;
import dev.visage.api.v1.DetectResponse;
import dev.visage.api.v1.GetServerInfoRequest;
import dev.visage.api.v1.GetServerInfoResponse;
import dev.visage.api.v1.IdentifiedFace;
import dev.visage.api.v1.IdentifyRequest;
import dev.visage.api.v1.IdentifyResponse;
import dev.visage.api.v1.RecognitionServiceGrpc;
import dev.visage.api.v1.RecognizeRequest;
import dev.visage.api.v1.RecognizeResponse;
import dev.visage.api.v1.VerifyRequest;
import dev.visage.api.v1.VerifyResponse;
import dev.visage.server.live.LiveRecognition;
import dev.visage.server.recognition.Recognizer;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** The RecognitionService of the public API: Detect, Identify, Verify, GetServerInfo, Recognize. */
public final class RecognitionGrpcService extends RecognitionServiceGrpc.RecognitionServiceImplBase {

  static final int DEFAULT_CANDIDATES = 3;
  static final int MAX_CANDIDATES = 100;

  private final Recognizer recognizer;
  private final LiveRecognition live;
  private final Supplier<GetServerInfoResponse> serverInfo;

  public RecognitionGrpcService(Recognizer recognizer, LiveRecognition live, Supplier<GetServerInfoResponse> serverInfo) {
    this.recognizer = recognizer;
    this.live = live;
    this.serverInfo = serverInfo;
  }

  @Override
  public StreamObserver<RecognizeRequest> recognize(StreamObserver<RecognizeResponse> responses) {
    return RecognizeStream.open(responses, live);
  }

  @Override
  public void detect(DetectRequest request, StreamObserver<DetectResponse> observer) {
    Unary.respond("Detect", observer, () -> {
      Recognizer.Detection detection = recognizer.detect(
          ProtoMapping.imageInput("image", request.getImage()),
          request.hasMinDetectionScore() ? request.getMinDetectionScore() : null);
      DetectResponse.Builder response = DetectResponse.newBuilder()
          .setImage(ProtoMapping.imageInfo(detection.width(), detection.height()))
          .setOmittedFaceCount(detection.omitted());
      detection.faces().forEach(face -> response.addFaces(ProtoMapping.detectedFace(face)));
      return response.build();
    });
  }

  @Override
  public void identify(IdentifyRequest request, StreamObserver<IdentifyResponse> observer) {
    Unary.respond("Identify", observer, () -> {
      int candidates = request.getMaxCandidates() == 0 ? DEFAULT_CANDIDATES : request.getMaxCandidates();
      if (candidates < 0 || candidates > MAX_CANDIDATES) {
        throw ApiErrors.invalid("max_candidates is " + Integer.toUnsignedString(candidates)
            + "; it lies between 1 and " + MAX_CANDIDATES + " (0 means " + DEFAULT_CANDIDATES + ")");
      }
      if (request.getMaxFaces() < 0) {
        throw ApiErrors.invalid("max_faces is " + Integer.toUnsignedString(request.getMaxFaces())
            + "; use 0 for all faces or a number up to " + recognizer.maxFacesPerImage());
      }
      Recognizer.Identification identification = recognizer.identify(
          ProtoMapping.imageInput("image", request.getImage()),
          new Recognizer.IdentifyOptions(request.hasThreshold() ? request.getThreshold() : null,
              candidates, request.getMaxFaces(), null));
      IdentifyResponse.Builder response = IdentifyResponse.newBuilder()
          .setImage(ProtoMapping.imageInfo(identification.width(), identification.height()))
          .setThreshold(identification.threshold())
          .setOmittedFaceCount(identification.omitted());
      for (Recognizer.IdentifiedFace face : identification.faces()) {
        IdentifiedFace.Builder identified = IdentifiedFace.newBuilder().setFace(ProtoMapping.detectedFace(face.face()));
        face.match().ifPresent(match -> identified.setMatch(ProtoMapping.candidate(match)));
        face.candidates().forEach(candidate -> identified.addCandidates(ProtoMapping.candidate(candidate)));
        response.addFaces(identified);
      }
      return response.build();
    });
  }

  @Override
  public void verify(VerifyRequest request, StreamObserver<VerifyResponse> observer) {
    Unary.respond("Verify", observer, () -> {
      Float threshold = request.hasThreshold() ? request.getThreshold() : null;
      Recognizer.Verification verification = switch (request.getReferenceCase()) {
        case PERSON_ID -> recognizer.verifyPerson(ProtoMapping.imageInput("image", request.getImage()),
            RequestValidation.id("person_id", request.getPersonId()), threshold);
        case REFERENCE_IMAGE -> recognizer.verifyImages(ProtoMapping.imageInput("image", request.getImage()),
            ProtoMapping.imageInput("reference_image", request.getReferenceImage()), threshold);
        case REFERENCE_NOT_SET -> throw ApiErrors.invalid(
            "nothing to verify against: set person_id (an enrolled person) or reference_image (a second photo)");
      };
      VerifyResponse.Builder response = VerifyResponse.newBuilder()
          .setMatch(verification.match())
          .setSimilarity(verification.similarity())
          .setThreshold(verification.threshold())
          .setFace(ProtoMapping.detectedFace(verification.face()))
          .setReferenceFaceId(verification.referenceFaceId());
      if (verification.referenceFace() != null) {
        response.setReferenceFace(ProtoMapping.detectedFace(verification.referenceFace()));
      }
      return response.build();
    });
  }

  @Override
  public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> observer) {
    Unary.respond("GetServerInfo", observer, serverInfo::get);
  }
}
