package dev.visage.server.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a bulk enrollment did, photo by photo: printed as a summary and written as JSON, which a
 * later run reads to skip what is already enrolled.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollReport(String server, String directory, List<Person> persons) {

  /** Person outcomes. */
  public static final String ENROLLED = "enrolled";
  public static final String NO_USABLE_FACE = "no usable face";
  public static final String ALREADY_ON_SERVER = "already on the server";
  public static final String FAILED = "failed";

  /**
   * @param folder the person's folder name, which is also their display name
   * @param status one of the constants above
   * @param error why the person failed, when they did
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Person(String folder, String personId, String status, String error, List<Photo> photos) {

    public long enrolledPhotos() {
      return photos.stream().filter(photo -> photo.status().equals(Photo.ENROLLED)).count();
    }
  }

  /**
   * @param file the photo's name in its folder
   * @param status enrolled or rejected
   * @param reason for a rejection, the server's reason (NO_FACE, FACE_TOO_SMALL, ...)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Photo(String file, String status, String faceId, String reason, String message) {
    public static final String ENROLLED = "enrolled";
    public static final String REJECTED = "rejected";
  }
}
