package dev.visage.server.inference;

import dev.visage.server.metrics.Metrics;
import dev.visage.server.vision.AlignedFace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers faces from all concurrent requests into batches for the embedder.
 *
 * <p>One thread owns the embedder. It takes the waiting faces and, if the batch is not full and
 * other requests are on their way through the pipeline, waits up to {@code maxWait} for their faces
 * before running the batch. With nobody else in the pipeline it runs at once: a lone request never
 * waits for company that is not coming.
 */
public final class EmbeddingBatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddingBatcher.class);

  /** @param submission which {@link #embed} call the face came with */
  private record Job(AlignedFace face, CompletableFuture<float[]> result, long submission) {}

  private final FaceEmbedder embedder;
  private final long maxWaitNanos;
  private final java.util.function.IntSupplier requestsInPipeline;
  private final java.util.concurrent.atomic.AtomicLong submissions = new java.util.concurrent.atomic.AtomicLong();
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  private final LongAdder batches = new LongAdder();
  private final LongAdder faces = new LongAdder();
  private volatile boolean closed;

  /**
   * @param maxWait how long a batch that is not full may wait for other requests' faces
   * @param requestsInPipeline how many requests are between decoding and embedding right now
   */
  public EmbeddingBatcher(FaceEmbedder embedder, Duration maxWait, java.util.function.IntSupplier requestsInPipeline) {
    this.embedder = embedder;
    this.maxWaitNanos = maxWait.toNanos();
    this.requestsInPipeline = requestsInPipeline;
    this.worker = Thread.ofPlatform().name("visage-embedder").daemon().start(this::run);
  }

  public int dimension() {
    return embedder.dimension();
  }

  /** Embeds the faces (batched with others' faces) and waits for their vectors. */
  public List<float[]> embed(List<AlignedFace> alignedFaces) throws InterruptedException {
    if (alignedFaces.isEmpty()) {
      return List.of();
    }
    List<CompletableFuture<float[]>> results = new ArrayList<>(alignedFaces.size());
    List<Job> jobs = new ArrayList<>(alignedFaces.size());
    long submission = submissions.incrementAndGet();
    for (AlignedFace face : alignedFaces) {
      CompletableFuture<float[]> result = new CompletableFuture<>();
      results.add(result);
      jobs.add(new Job(face, result, submission));
    }
    queue.addAll(jobs);
    if (closed) {
      failWaiting();
    }
    List<float[]> vectors = new ArrayList<>(results.size());
    for (CompletableFuture<float[]> result : results) {
      try {
        vectors.add(result.get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new InferenceException("embedding failed", e.getCause());
      }
    }
    return vectors;
  }

  /** Runs so far: how many batches, and how many faces they held. */
  public long batchCount() {
    return batches.sum();
  }

  public long faceCount() {
    return faces.sum();
  }

  /** Faces waiting for the embedder now. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<Job> batch = new ArrayList<>(embedder.maxBatch());
    while (!closed) {
      try {
        batch.add(queue.take());
        long deadline = System.nanoTime() + maxWaitNanos;
        queue.drainTo(batch, embedder.maxBatch() - batch.size());
        while (batch.size() < embedder.maxBatch() && othersOnTheirWay(batch)) {
          long left = deadline - System.nanoTime();
          Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
          if (next == null) {
            break;
          }
          batch.add(next);
          queue.drainTo(batch, embedder.maxBatch() - batch.size());
        }
        runBatch(batch);
      } catch (InterruptedException e) {
        // Only close() interrupts this thread; faces already taken still get an answer.
        if (closed) {
          failAll(batch);
        } else {
          runBatch(batch);
        }
      } finally {
        batch.clear();
      }
    }
  }

  /** Whether requests other than those already in the batch are in the pipeline. */
  private boolean othersOnTheirWay(List<Job> batch) {
    long inBatch = batch.stream().mapToLong(Job::submission).distinct().count();
    return requestsInPipeline.getAsInt() > inBatch;
  }

  private void runBatch(List<Job> batch) {
    try {
      float[][] vectors = embedder.embed(batch.stream().map(Job::face).toList());
      batches.increment();
      faces.add(batch.size());
      Metrics.EMBEDDING_BATCH.observe(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(vectors[i]);
      }
    } catch (RuntimeException e) {
      log.error("Embedding a batch of {} faces failed", batch.size(), e);
      batch.forEach(job -> job.result().completeExceptionally(e));
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    worker.interrupt();
    worker.join(TimeUnit.SECONDS.toMillis(10));
    failWaiting();
  }

  private void failWaiting() {
    List<Job> waiting = new ArrayList<>();
    queue.drainTo(waiting);
    failAll(waiting);
  }

  private static void failAll(List<Job> jobs) {
    EngineClosedException closed = new EngineClosedException();
    jobs.forEach(job -> job.result().completeExceptionally(closed));
  }
}
