import type { AuditWriter } from '../../kernel/audit.js';
import type { AppContext } from '../../kernel/context.js';
import type { TypedApp } from '../../kernel/http.js';
import type { CaseIntakeService } from '../cases/index.js';
import type { LocateService } from '../grid/index.js';
import { deviceRoutes } from './device.routes.js';
import { DeviceService } from './device.service.js';
import { DeviceOfflineMonitor } from './device-offline-monitor.js';
import { MqttReadingConsumer } from './mqtt-reading-consumer.js';

/**
 * The IoT services: registration and intake, the offline monitor (started by `serve`, tests call
 * runOnce) and the MQTT consumer — only when MQTT_URL is configured; `serve` starts it.
 */
export function createDeviceServices(
  ctx: AppContext,
  deps: { audit: AuditWriter; locate: LocateService; intake: CaseIntakeService },
) {
  const devices = new DeviceService({ db: ctx.db, clock: ctx.clock, log: ctx.log, ...deps });
  return {
    devices,
    offline: new DeviceOfflineMonitor(devices, {
      onError: (err) => ctx.log.error({ err }, 'device offline pass failed'),
    }),
    mqtt: ctx.config.mqttUrl
      ? new MqttReadingConsumer((id, payload) => devices.ingest(id, payload), {
          url: ctx.config.mqttUrl,
          topicPrefix: ctx.config.mqttTopicPrefix,
          log: ctx.log,
        })
      : undefined,
  };
}

/** The IoT services as createDeviceServices builds them. */
export type DeviceServices = ReturnType<typeof createDeviceServices>;

/** Mounts device registration and readings; the MQTT consumer and the offline monitor stop with the app. */
export function register(app: TypedApp, deps: DeviceServices): void {
  deviceRoutes(app, deps.devices);
  app.addHook('onClose', async () => {
    await deps.mqtt?.stop();
    await deps.offline.stop();
  });
}
