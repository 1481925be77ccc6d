// The SMBIOS chassis asset tag every Azure VM carries: how a guest tells it runs on Azure.
export const AZURE_CHASSIS_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';
