"""RabbitMQ: connection, topology, confirmed publishing, consuming with an inbox."""
