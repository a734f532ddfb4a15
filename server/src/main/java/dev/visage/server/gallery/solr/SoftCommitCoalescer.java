package dev.visage.server.gallery.solr;

/**
 * Makes changes visible to every searcher with as few soft commits as possible: a writer whose
 * change is in Solr calls {@link #awaitVisible}; if a commit is already running it waits for the
 * next one (which covers its change), so writers arriving together share one commit instead of
 * queueing one each. Opening searchers is what limits enrollment throughput, so this matters.
 */
final class SoftCommitCoalescer {

  /** Opens new searchers on every replica and returns when they serve. */
  interface Committer {
    void commit() throws Exception;
  }

  private final Committer committer;
  private long changesWritten; // tickets handed to writers
  private long changesVisible; // the highest ticket a finished commit covers
  private boolean committing;

  SoftCommitCoalescer(Committer committer) {
    this.committer = committer;
  }

  /** Call after a change has been acknowledged by Solr; returns once a commit covering it finished. */
  void awaitVisible() throws Exception {
    long ticket;
    synchronized (this) {
      ticket = ++changesWritten;
    }
    while (true) {
      long covers;
      synchronized (this) {
        while (committing && changesVisible < ticket) {
          wait();
        }
        if (changesVisible >= ticket) {
          return;
        }
        committing = true;
        covers = changesWritten; // every change with a ticket so far is already in Solr
      }
      boolean done = false;
      try {
        committer.commit();
        done = true;
      } finally {
        synchronized (this) {
          committing = false;
          if (done) {
            changesVisible = Math.max(changesVisible, covers);
          }
          notifyAll();
        }
      }
    }
  }
}
