// DynamoDB Local has no bind-address option: its Jetty server listens on every interface and accepts
// any signature, so anyone on the network could read the local table (issue 13). This launcher
// builds the server exactly as DynamoDB Local's own main does, then binds its connector to
// 127.0.0.1 before starting it. Compiled once per checkout by launcher.ts.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
    System.err.println("coffer: DynamoDB Local bound to 127.0.0.1 only");
    proxy.join();
  }
}
