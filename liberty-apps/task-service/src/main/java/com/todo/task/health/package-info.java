/** MicroProfile Health checks of task-service (the sidecar's comes from dapr-client). */
package com.todo.task.health;
