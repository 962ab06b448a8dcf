"""Kombu's Redis transport, publishing through one Redis client per channel.

Kombu builds a new ``redis.Redis`` for every message it publishes, and
redis-py fills a table of a few hundred response callbacks for each one:
about a fifth of the CPU a complaint's routing task costs to publish. The
client only borrows connections from the channel's pool, and is safe to
share between threads, so each channel keeps one for as long as its pool
lives. Consuming (``BRPOP``, fanout) is left as kombu does it.
"""

from kombu.transport import redis


class Channel(redis.Channel):
    _publish_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        pool = self.pool
        client = self._publish_client
        # A pool dropped (the channel reconnecting) takes its client with it.
        if client is None or client.connection_pool is not pool:
            client = self._publish_client = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel
