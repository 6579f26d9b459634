import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine once, so that DJL fetches the libtorch of PYTORCH_FLAVOR into
 * DJL_CACHE_DIR. Run by deploy/Dockerfile.cuda at build time: {@code java -cp ... DjlWarmUp.java}.
 */
public class DjlWarmUp {
  public static void main(String[] args) {
    Engine engine = Engine.getEngine("PyTorch");
    System.out.println(engine.getEngineName() + " " + engine.getVersion() + ", GPUs: " + engine.getGpuCount());
  }
}
