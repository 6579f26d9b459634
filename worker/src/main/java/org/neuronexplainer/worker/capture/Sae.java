package org.neuronexplainer.worker.capture;

/**
 * A sparse autoencoder loaded into a {@link SubjectModel} ({@link SubjectModel#loadSae}): a handle
 * to ask a forward pass for its latents ({@link ForwardRequest}). Its weights belong to the model
 * and are freed with it.
 */
public final class Sae {
  private final SaeFiles files;
  private final SaeEncoder encoder;
  private final SubjectModel owner;

  Sae(SaeFiles files, SaeEncoder encoder, SubjectModel owner) {
    this.files = files;
    this.encoder = encoder;
    this.owner = owner;
  }

  public String name() {
    return files.name();
  }

  public Hook hook() {
    return files.config().hook();
  }

  public int dIn() {
    return files.config().dIn();
  }

  /** Its latents per token. */
  public int dSae() {
    return files.config().dSae();
  }

  public SaeConfig config() {
    return files.config();
  }

  public SaeFiles files() {
    return files;
  }

  SaeEncoder encoder() {
    return encoder;
  }

  SubjectModel owner() {
    return owner;
  }

  @Override
  public String toString() {
    return "SAE " + name() + " (" + config().architecture().label() + ", " + hook() + ")";
  }
}
