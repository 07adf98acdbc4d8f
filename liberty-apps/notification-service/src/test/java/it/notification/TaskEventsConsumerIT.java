package it.notification;

import it.support.ConsumerContract;
import java.io.File;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The packaged notification-service on Liberty honours the consumer rules on its task-events routes. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TaskEventsConsumerIT extends ConsumerContract {

  @Deployment(testable = false)
  static WebArchive packagedService() {
    // the WAR that ships, under another name than the one server.xml configures
    return ShrinkWrap.create(ZipImporter.class, "notification-service-it.war")
        .importFrom(new File(System.getProperty("it.war")))
        .as(WebArchive.class);
  }

  @Override
  protected String route() {
    return "/events/task.created.v1";
  }
}
