package dev.visage.server.gallery;

import java.util.List;

/**
 * The enrolled persons and their face vectors, and nearest-neighbour search over them.
 *
 * <p>Every change is durable before the method returns, and visible to the very next read. Vectors
 * are unit length and compared by cosine similarity. A gallery holds vectors of one embedding
 * model only ({@link #modelId()}).
 *
 * <p>The embedded implementation is {@link LuceneGallery}; a distributed engine built on the same
 * Lucene vectors can implement this interface when one machine is not enough.
 */
public interface Gallery extends AutoCloseable {

  /** The embedding model that made every vector in this gallery. */
  String modelId();

  /** The length of every vector. */
  int dimension();

  /** Creates a person with at least one face, in one durable step. */
  Enrollment createPerson(String displayName, List<NewFace> faces);

  /** Adds faces to an existing person. @throws NotFoundException if there is no such person */
  Enrollment addFaces(String personId, List<NewFace> faces);

  /**
   * The persons whose faces are nearest to the vector, best first, each with their closest face.
   *
   * @param maxPersons at most this many persons
   */
  List<PersonMatch> search(float[] vector, int maxPersons);

  /**
   * The person's face closest to the vector, or empty when the person has no faces.
   *
   * @throws NotFoundException if there is no such person
   */
  java.util.Optional<PersonMatch> closestFaceOf(String personId, float[] vector);

  /**
   * Persons in name order (ignoring case), a page at a time.
   *
   * @param nameContains only names containing this, ignoring case; empty for all
   * @param pageToken empty for the first page, else a previous page's {@link PersonPage#nextPageToken()}
   * @throws IllegalArgumentException for a page token this gallery did not issue
   */
  PersonPage listPersons(String nameContains, int pageSize, String pageToken);

  /** A person with all their faces. @throws NotFoundException if there is no such person */
  PersonRecord getPerson(String personId);

  /** @throws NotFoundException if there is no such person */
  PersonRecord renamePerson(String personId, String displayName);

  /**
   * Deletes a person and all their faces.
   *
   * @return how many faces were deleted
   * @throws NotFoundException if there is no such person
   */
  int deletePerson(String personId);

  /** Deletes one face; its person stays. @throws NotFoundException if there is no such face */
  FaceDeletion deleteFace(String faceId);

  /**
   * Rewrites whatever still holds deleted records, so their vectors leave the files on disk now.
   *
   * @return how many deleted records were purged
   */
  int purgeDeleted();

  GalleryStats stats();

  /** Every person with their faces and vectors, one at a time, from one consistent view. */
  void exportPersons(java.util.function.Consumer<ImportedPerson> sink);

  /** Adds persons as they were (from an export); persons whose id is already here are replaced. */
  void importPersons(java.util.List<ImportedPerson> persons);

  /**
   * Copies the gallery as of its last acknowledged change to {@code target} (new or empty), while
   * reads go on; the copy opens as a gallery.
   */
  BackupResult backup(java.nio.file.Path target);

  /**
   * A number that grows with every change that can make an earlier match stale: a person deleted
   * or renamed. Live sessions compare it to decide when to check their tracks' identities again.
   */
  long revision();

  /** The person's current name, or empty when there is no such person (any more). */
  java.util.Optional<String> displayName(String personId);

  @Override
  void close();
}
