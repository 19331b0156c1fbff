package health.ehr.system.bench;

/**
 * The baseline of the start-up and memory figures: a JVM started with the services' flags that
 * does nothing. It prints {@code ready} as soon as its main runs, then sleeps until it is killed.
 */
public final class IdleJvm {

    private IdleJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "120000"));
    }
}
